package provider

import "github.com/hashicorp/terraform-plugin-framework/types"

func typesString(s string) types.String { return types.StringValue(s) }
func typesNullString() types.String     { return types.StringNull() }
