// An engine-backed test runs the engine several times, and a machine loaded 8 to 12 on 2 cores stretches each
// run several times over: the bound is only there to stop a test that hangs, so it is generous.
jest.setTimeout(600_000);
