// Loaded with `node --import` before the stock `ceramic daemon`: makes the daemon use Litbox's
// in-process IPFS (mem-ipfs.js) instead of connecting to kubo or ceramic-one, which cannot be
// installed offline. No file of js-ceramic is changed.
import path from 'node:path';
import process from 'node:process';
process.env.IPFS_FLAVOR = 'go';
const { IpfsConnectionFactory } = await import('@ceramicnetwork/cli/lib/ipfs-connection-factory.js');
const { createMemIpfs } = await import('./mem-ipfs.js');
const blocksDir = process.env.LITBOX_CERAMIC_BLOCKS ?? path.join(process.env.HOME ?? '.', 'ipfs-blocks');
IpfsConnectionFactory.buildIpfsConnection = async () => createMemIpfs({ blocksDir });
