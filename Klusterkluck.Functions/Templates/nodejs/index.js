// A Klusterkluck function: called once per request with
// { method, path, query, headers, body } and returns the response:
// a string, any JSON value, or { status, headers, body }.
module.exports = async (request) => {
  const name = request.query.name || (typeof request.body === 'string' && request.body.trim()) || 'world';
  return `${process.env.GREETING || 'Hello'}, ${name}!\n`;
};
