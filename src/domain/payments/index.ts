/** Payments: applying one to an account, promises kept and broken, payment files. Pure. */
export * from './apply.js';
export * from './paid-at.js';
export * from './payment-row.js';
export * from './promises.js';
