// Unit tests take seconds; the bound only stops one that hangs, with room for a busy machine.
jest.setTimeout(120_000);
