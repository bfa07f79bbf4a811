// node:process for workerd tests: pool 0.15.1 cannot resolve it while the mongodb driver needs it.
module.exports = globalThis.process;
