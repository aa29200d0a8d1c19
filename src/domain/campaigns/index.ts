export * from './campaign.js';
export * from './segment-filter.js';
export * from './variants.js';
