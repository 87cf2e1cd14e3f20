import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { ApiOutput, NetworkStatus } from '../../../shared/api/contract.ts';

type Feed = ApiOutput<'socialFeed'>;

/**
 * The social example (docs/CERAMIC.md): a feed on the local Ceramic node that only the
 * createPost and likePost actions can write, as a PKP nobody else can sign with.
 */
export function SocialPage({
  client,
  networkReady,
  status,
}: {
  client: ApiClient;
  networkReady: boolean;
  status: NetworkStatus | undefined;
}) {
  const [feed, setFeed] = useState<Feed | null>();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const ceramic = status?.ceramic;

  const load = useCallback(async () => {
    try {
      setFeed(await client.call('socialFeed', {}));
    } catch {
      setFeed(null); // not set up yet (or no Ceramic node): the page says which
    }
  }, [client]);
  useEffect(() => {
    if (ceramic?.up) void load();
  }, [ceramic?.up, load]);

  const run = async (what: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      setNotice(await what());
      await load();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (!ceramic)
    return (
      <section aria-labelledby="social-heading">
        <h1 id="social-heading">Social</h1>
        <p>
          This example needs the local Ceramic node. Install it once with <code>npm run compat:ceramic:install</code>,
          then start Litbox with <code>npm run litbox -- up --ceramic</code>.
        </p>
      </section>
    );

  return (
    <section aria-labelledby="social-heading">
      <h1 id="social-heading">Social</h1>
      <p className="muted">
        A feed on the local Ceramic node ({ceramic.url}, {ceramic.up ? 'up' : 'down'}). Its only controller is a PKP
        that exactly two Lit Actions may sign with: createPost and likePost. Its NFT is burned, so no other action, and
        not this wallet, can ever write to it.
      </p>
      {feed === null && (
        <button
          type="button"
          disabled={busy || !networkReady || !ceramic.up}
          onClick={() =>
            void run(async () => {
              await client.call('socialSetup', {});
              return 'Minted the PKP, permitted the two actions, burned it, and created the feed.';
            })
          }
        >
          Set up the example
        </button>
      )}
      {feed && (
        <>
          <dl className="rows">
            <dt>Feed stream</dt>
            <dd className="mono">{feed.app.streamId}</dd>
            <dt>Controller</dt>
            <dd className="mono">{feed.app.did}</dd>
            <dt>createPost</dt>
            <dd className="mono">{feed.app.actions.createPost}</dd>
            <dt>likePost</dt>
            <dd className="mono">{feed.app.actions.likePost}</dd>
          </dl>
          <form
            className="card"
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                const r = await client.call('socialPost', { text });
                setText('');
                return `Posted in ${r.ms} ms (commit ${r.commit}).`;
              });
            }}
          >
            <label htmlFor="social-text">New post</label>
            <textarea id="social-text" value={text} maxLength={280} onChange={(e) => setText(e.target.value)} />
            <button type="submit" disabled={busy || !networkReady}>
              Post (runs createPost)
            </button>
          </form>
          <ol className="social-feed" aria-label="Posts">
            {feed.posts.map((post) => (
              <li key={post.id} className="card">
                <p>{post.text}</p>
                <p className="muted">
                  #{post.id} by <span className="mono">{post.author}</span> at {post.at} · {post.likes.length} like(s)
                </p>
                <button
                  type="button"
                  disabled={busy || !networkReady}
                  onClick={() =>
                    void run(async () => {
                      const r = await client.call('socialLike', { postId: post.id });
                      return `Liked #${post.id} in ${r.ms} ms.`;
                    })
                  }
                >
                  Like (runs likePost)
                </button>
              </li>
            ))}
          </ol>
          <p className="muted">{feed.commits} commit(s) in the stream.</p>
        </>
      )}
      {notice && <p role="status">{notice}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
