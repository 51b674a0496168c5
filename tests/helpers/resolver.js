/**
 * Jest's own resolver, but for one request: the SDK index's `./automation`, sent to
 * tests/helpers/lazy-automation.ts (which says why). moduleNameMapper matches the request
 * string alone, and "./automation" is too common a string to map everywhere; here it is
 * matched with the folder it is asked from.
 */
const path = require("node:path");

const SDK = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const LAZY = path.join(__dirname, "lazy-automation.ts");

module.exports = (request, options) =>
  request === "./automation" && options.basedir === SDK
    ? LAZY
    : options.defaultResolver(request, options);
