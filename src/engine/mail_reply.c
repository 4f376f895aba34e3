/*
 * mail_reply.c — the reply headers of an email hark sends: In-Reply-To is the
 * latest email the contact sent us, References its References plus its own
 * Message-ID, so that the recipient's mail client threads the answer under
 * the mail it answers.
 */

#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define MAIL_REPLY_LOOKBACK 50     /* messages of the thread looked at */

struct mail_reply {
	char *message_id;
	char *refs;
};

/* The page comes oldest first: the last match is the newest. */
static int
mail_reply_pick(void *arg, const struct store_message *m)
{
	struct mail_reply *r = arg;

	if (m->channel != HARK_CH_EMAIL || m->direction != HARK_DIR_IN ||
	    m->message_id == NULL || *m->message_id == '\0')
		return 0;
	free(r->message_id);
	free(r->refs);
	r->message_id = xstrdup(m->message_id);
	r->refs = m->refs != NULL && *m->refs != '\0' ?
	    xasprintf("%s %s", m->refs, m->message_id) : xstrdup(m->message_id);
	return 0;
}

void
engine_mail_reply_ids(struct engine *e, int64_t contact_id, char **in_reply_to,
    char **refs)
{
	struct mail_reply r = { NULL, NULL };

	*in_reply_to = *refs = NULL;
	if (contact_id <= 0)
		return;
	if (store_messages_page(e->st, contact_id, INT64_MAX, INT64_MAX,
	    MAIL_REPLY_LOOKBACK, mail_reply_pick, &r, NULL) != 0) {
		free(r.message_id);
		free(r.refs);
		return;
	}
	*in_reply_to = r.message_id;
	*refs = r.refs;
}
