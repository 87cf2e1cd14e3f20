/* global process, console, Buffer, TextEncoder, TextDecoder */
// Plays the client side of Lit's v8 end-to-end encryption with the SDK's own code
// (@lit-protocol/crypto walletEncrypt / walletDecrypt, the response schema its request manager
// parses with), so Litbox's implementation (app/shared/lit-sdk/e2ee.ts) is checked against it.
// Prints `litbox-result: {json}`.
//
//   node e2ee-check.mjs seal <node public key hex> <message>
//       → {clientSecretKey, clientPublicKey, envelope}: the message sealed to the node, as the SDK
//         sends it (the SDK adds the epoch beside version and payload).
//   node e2ee-check.mjs open <client secret key hex> <json array of envelopes>
//       → [{message, schemaAccepts}]: the node's answers opened as the SDK opens them.
//
// app/shared/lit-sdk/e2ee.sdk.test.ts runs it.
import { walletDecrypt, walletEncrypt } from '@lit-protocol/crypto';
import { nacl } from '@lit-protocol/nacl';
import { GenericEncryptedPayloadSchema } from '@lit-protocol/schemas';

const [mode, key, text] = process.argv.slice(2);
if (mode === 'seal' && key && text !== undefined) {
  const client = nacl.box.keyPair();
  const envelope = walletEncrypt(client.secretKey, Buffer.from(key, 'hex'), new TextEncoder().encode(text));
  console.log(
    `litbox-result: ${JSON.stringify({
      clientSecretKey: Buffer.from(client.secretKey).toString('hex'),
      clientPublicKey: Buffer.from(client.publicKey).toString('hex'),
      envelope: { ...envelope, epoch: 1 },
    })}`,
  );
} else if (mode === 'open' && key && text !== undefined) {
  const opened = JSON.parse(text).map((envelope) => ({
    message: new TextDecoder().decode(walletDecrypt(Buffer.from(key, 'hex'), envelope)),
    schemaAccepts: GenericEncryptedPayloadSchema.safeParse({ success: true, values: [envelope] }).success,
  }));
  console.log(`litbox-result: ${JSON.stringify(opened)}`);
} else {
  console.error(
    'usage: node e2ee-check.mjs seal <node public key hex> <message> | open <client secret key hex> <envelopes json>',
  );
  process.exit(2);
}
