// The function both sides of the benchmark serve: small JSON built from the request.
module.exports = async (request) => ({ hello: request.query.name || 'world', path: request.path });
