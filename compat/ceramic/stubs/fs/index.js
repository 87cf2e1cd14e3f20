// Empty on purpose: require('fs') resolves to Node's built-in module, never to this file.
