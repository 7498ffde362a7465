import { packageTestConfig } from '../../vitest.shared.js';

// Several tests start real sockets and SQLite stores: give a loaded machine room.
export default packageTestConfig({ testTimeout: 20_000 });
