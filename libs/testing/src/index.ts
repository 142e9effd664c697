export { postJson } from './http';
export type { Envelope } from './http';
export { waitFor, sleep } from './wait-for';
export { dropDatabase, queryDatabase, deleteRedisPrefix } from './stores';
export { chaconneBody } from './chaconne-body';
