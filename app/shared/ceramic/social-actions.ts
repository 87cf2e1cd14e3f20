import { CERAMIC_ACTION_HELPERS } from './action-helpers.ts';

/** Longest post, in characters. */
export const MAX_POST_CHARS = 280;

/**
 * The social example's feed: one TileDocument whose controller is the app's PKP (did:pkh), with
 * content `{ posts: [{ id, author, text, at, likes: [address…] }] }`. Every change is one JSON
 * patch signed by the PKP inside one of the actions below; nothing else can sign for that PKP.
 */
export interface SocialPost {
  id: number;
  author: string;
  text: string;
  at: string;
  likes: string[];
}

// Shared by both actions: checks its inputs, reads the feed, and signs the commit a rule allows.
// Every node runs it and must reach the same digest, so it uses no clock and no randomness: the
// time of a post comes in jsParams.
const COMMON = String.raw`
const feed = await Ceramic.readStream(jsParams.ceramicUrl, jsParams.streamId);
const did = jsParams.did;
const person = Lit.Auth.authSigAddress;
if (typeof person !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(person)) throw new Error('who is asking is not known: sign the request with your own account');
const author = person.toLowerCase();
const posts = feed.content && Array.isArray(feed.content.posts) ? feed.content.posts : null;
async function signAndReturn(patch, result) {
  const prepared = Ceramic.prepareUpdate(feed, patch, did);
  await Lit.Actions.signEcdsa({ toSign: prepared.toSign, publicKey: jsParams.publicKey, sigName: 'commit' });
  Lit.Actions.setResponse({ response: JSON.stringify({ ok: true, ...result, streamId: prepared.streamId, commit: prepared.commit }) });
}
`;

const CREATE_POST = String.raw`
// createPost: appends a post by the person who signed the request.
const text = jsParams.text;
if (typeof text !== 'string' || text.trim().length === 0) throw new Error('a post needs some text');
if ([...text].length > ${String(MAX_POST_CHARS)}) throw new Error('a post is at most ${String(MAX_POST_CHARS)} characters');
if (typeof jsParams.at !== 'string' || Number.isNaN(Date.parse(jsParams.at))) throw new Error('at must be an ISO time');
const post = { id: posts ? posts.length + 1 : 1, author, text, at: jsParams.at, likes: [] };
const patch = posts ? [{ op: 'add', path: '/posts/-', value: post }] : [{ op: 'add', path: '', value: { posts: [post] } }];
await signAndReturn(patch, { post });
`;

const LIKE_POST = String.raw`
// likePost: adds the person who signed the request to a post's likes, once.
const postId = jsParams.postId;
if (!Number.isSafeInteger(postId) || postId < 1) throw new Error('postId must be a post number (1, 2, ...)');
const index = posts ? posts.findIndex((p) => p && p.id === postId) : -1;
if (index < 0) throw new Error('there is no post ' + postId + ' in this feed');
if (posts[index].likes.includes(author)) throw new Error(author + ' has already liked post ' + postId);
await signAndReturn([{ op: 'add', path: '/posts/' + index + '/likes/-', value: author }], { postId, liker: author });
`;

/** The exact code of each action of the social example (helpers included): their CIDs are what the PKP permits. */
export const SOCIAL_ACTIONS = {
  createPost: `${CERAMIC_ACTION_HELPERS}${COMMON}${CREATE_POST}`,
  likePost: `${CERAMIC_ACTION_HELPERS}${COMMON}${LIKE_POST}`,
} as const;
export type SocialActionName = keyof typeof SOCIAL_ACTIONS;
