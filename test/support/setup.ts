// Engine-backed tests can take minutes; keep unit tests fast and give the rest room.
jest.setTimeout(120_000);
