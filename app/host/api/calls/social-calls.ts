import { verifyStream } from '../../ceramic/stream-verifier.ts';
import { ApiFailure } from '../api-server.ts';
import type { CallContext, CallTable } from './call-table.ts';

/** The social example (docs/CERAMIC.md) on the Ceramic node, and the check of a stream's writers. */
export function socialCalls(ctx: CallContext) {
  return {
    socialSetup: { run: () => ctx.social().setup() },
    socialPost: { run: ({ text }) => ctx.social().post(text) },
    socialLike: { run: ({ postId }) => ctx.social().like(postId) },
    socialFeed: {
      run: async () => {
        const s = ctx.social();
        const feed = await s.feed();
        return { app: s.app()!, posts: feed.posts, commits: feed.commits };
      },
    },
    verifyStream: {
      run: async ({ streamId, actions }) => {
        const url = ctx.ceramicUrl();
        if (!url)
          throw new ApiFailure(
            'unavailable',
            'verifying a stream needs the Ceramic node: start Litbox with `litbox up --ceramic`',
          );
        const s = ctx.services();
        return verifyStream({
          ceramicUrl: url,
          streamId,
          actions,
          pkpDetails: (publicKey) => s.pkpDetails.details(publicKey, s.account.address),
        });
      },
    },
  } satisfies Partial<CallTable>;
}
