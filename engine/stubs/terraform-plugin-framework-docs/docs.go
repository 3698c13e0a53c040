// Package tffwdocs stands in for github.com/magodo/terraform-plugin-framework-docs, which the Go module
// proxy reachable here does not serve. terraform-provider-restful imports it only to render its registry
// documentation (RenderOption methods and the gendoc tool); nothing here runs when the provider serves
// plans, so these types carry the data and do nothing with it.
package tffwdocs

type Example struct {
	Header string
	HCL    string
}

type ImportId struct {
	Format        string
	ExampleCmdArg string
	ExampleBlk    string
}

type ProviderRenderOption struct {
	Examples []Example
}

type ResourceRenderOption struct {
	Examples         []Example
	ImportId         *ImportId
	IdentityExamples []Example
}

type DataSourceRenderOption struct {
	Examples []Example
}

type EphemeralResourceRenderOption struct {
	Examples []Example
}

type ProviderWithRenderOption interface {
	RenderOption() ProviderRenderOption
}

type ResourceWithRenderOption interface {
	RenderOption() ResourceRenderOption
}

type DataSourceWithRenderOption interface {
	RenderOption() DataSourceRenderOption
}

type EphemeralResourceWithRenderOption interface {
	RenderOption() EphemeralResourceRenderOption
}
