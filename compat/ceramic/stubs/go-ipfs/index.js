/* global module */
'use strict';
// Only Ceramic's "bundled" IPFS mode asks for a go-ipfs binary; Litbox never uses that mode.
module.exports.path = () => {
  throw new Error('go-ipfs is not installed: Litbox runs Ceramic with its in-process IPFS');
};
