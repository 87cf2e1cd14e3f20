import type { SocialApp } from '../../shared/api/contract.ts';
import { CliError } from './cli-error.ts';
import type { CommandHandler } from './run-cli.ts';
import { connectToHost } from './status-command.ts';

type Values = Record<string, string | boolean | undefined>;
type Post = { id: number; author: string; text: string; at: string; likes: string[] };

const client = (values: Values) => connectToHost(values['data-dir'] as string | undefined);

function describeApp(app: SocialApp): string {
  return [
    `feed stream  ${app.streamId}`,
    `controller   ${app.did}`,
    `PKP          ${app.pkp.ethAddress} (token ${app.pkp.tokenId}, burned: no action can be added)`,
    `createPost   ${app.actions.createPost}`,
    `likePost     ${app.actions.likePost}`,
  ].join('\n');
}

function describePosts(posts: Post[]): string {
  if (posts.length === 0) return '(no posts yet)';
  return posts.map((p) => `#${p.id} ${p.author} at ${p.at}\n   ${p.text}\n   ${p.likes.length} like(s)`).join('\n');
}

/** `litbox social setup`: mint the app's PKP, permit its two actions, burn it, create the feed. */
export const socialSetupCommand: CommandHandler = async (values) => {
  const app = await client(values).call('socialSetup', {});
  console.log(values.json ? JSON.stringify(app) : describeApp(app));
};

/** `litbox social post TEXT`: createPost, as the wallet's account. */
export const socialPostCommand: CommandHandler = async (values, positionals) => {
  const text = positionals.join(' ');
  if (!text) throw new CliError('give the text: litbox social post "gm"', 2);
  const api = client(values);
  if (!(await api.call('socialFeed', {}).catch(() => null))) await api.call('socialSetup', {});
  const result = await api.call('socialPost', { text });
  const post = result.posts[result.posts.length - 1]!;
  console.log(values.json ? JSON.stringify(result) : `posted #${post.id} in ${result.ms} ms (commit ${result.commit})`);
};

/** `litbox social like POST-ID`: likePost, as the wallet's account (refused the second time). */
export const socialLikeCommand: CommandHandler = async (values, positionals) => {
  const postId = Number(positionals[0]);
  if (!Number.isInteger(postId) || postId < 1) throw new CliError('give the post number: litbox social like 1', 2);
  const result = await client(values).call('socialLike', { postId });
  console.log(values.json ? JSON.stringify(result) : `liked #${postId} in ${result.ms} ms (commit ${result.commit})`);
};

/** `litbox social feed`: the feed as the Ceramic node serves it. */
export const socialFeedCommand: CommandHandler = async (values) => {
  const feed = await client(values).call('socialFeed', {});
  console.log(
    values.json
      ? JSON.stringify(feed)
      : `${describeApp(feed.app)}\n${feed.commits} commit(s)\n\n${describePosts(feed.posts)}`,
  );
};

/** `litbox verify --stream ID --actions CID,CID`: could every write to the stream only have come from those actions? */
export const verifyStreamCommand: CommandHandler = async (values) => {
  const streamId = values.stream as string;
  const actions = String(values.actions ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (!actions.length) throw new CliError('verify --stream needs --actions CID,CID (the actions that may write)', 2);
  const verdict = await client(values).call('verifyStream', { streamId, actions });
  console.log(
    values.json
      ? JSON.stringify(verdict)
      : [
          verdict.valid ? 'VALID' : 'NOT VALID',
          ...verdict.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.detail}`),
        ].join('\n'),
  );
  return verdict.valid ? 0 : 1;
};
