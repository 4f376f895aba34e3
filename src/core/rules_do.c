/* rules_do.c — the rules file's `do` and `then` lines: a rule's steps and their actions. */

#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

static int parse_send_opts(struct rparse *, struct rules_action *);
static int parse_action(struct rparse *, struct rules_action *);

/* ---- do / then ------------------------------------------------------------------------ */

/* do ACTIONS | then after DURATION [unless replied] do ACTIONS */
int
rparse_step(struct rparse *p, int then)
{
	struct rule *r = p->cur;
	struct rules_step s;
	const struct rtok *t;

	memset(&s, 0, sizeof s);
	s.line = p->l->lineno;
	if (!then && r->nsteps > 0)
		return rparse_err(p, p->l->t[0].col, "rule '%s' already has a 'do' line:"
		    " put more actions after ';', later steps on 'then' lines",
		    r->name);
	if (then && r->nsteps == 0)
		return rparse_err(p, p->l->t[0].col, "'then' before 'do': the first step"
		    " is 'do'");
	if (then) {
		if (!rparse_is_word(t = rparse_next(p), "after"))
			return rparse_err(p, t ? t->col : rparse_end_col(p), "expected 'after"
			    " DURATION' after then");
		if (rparse_duration(p, "a delay after 'then after'", &s.after_ms) != 0)
			return -1;
		t = rparse_next(p);
		if (rparse_is_word(t, "unless")) {
			if (!rparse_is_word(t = rparse_next(p), "replied"))
				return rparse_err(p, t ? t->col : rparse_end_col(p),
				    "expected 'replied' after unless");
			s.unless_replied = 1;
			t = rparse_next(p);
		}
		if (!rparse_is_word(t, "do"))
			return rparse_err(p, t ? t->col : rparse_end_col(p), "expected 'do' and"
			    " the step's actions");
	}
	r->steps = xreallocarray(r->steps, (size_t)r->nsteps + 1, sizeof *r->steps);
	r->steps[r->nsteps++] = s;
	do {
		struct rules_step *sp = &r->steps[r->nsteps - 1];

		sp->acts = xreallocarray(sp->acts, (size_t)sp->nacts + 1,
		    sizeof *sp->acts);
		memset(&sp->acts[sp->nacts], 0, sizeof *sp->acts);
		if (parse_action(p, &sp->acts[sp->nacts++]) != 0)
			return -1;
		t = rparse_next(p);
	} while (t != NULL && t->kind == RTOK_SEMI && p->i < p->l->n);
	if (t != NULL && t->kind != RTOK_SEMI)
		return rparse_err(p, t->col, "unexpected '%s' (actions are separated"
		    " by ';')", t->text);
	return 0;
}

/* template=NAME channel=CH once-per=D after reply / send. */
static int
parse_send_opts(struct rparse *p, struct rules_action *a)
{
	const struct rtok *t;
	const char *v;

	while (p->i < p->l->n && p->l->t[p->i].kind == RTOK_WORD) {
		t = rparse_next(p);
		v = strchr(t->text, '=');
		if (v == NULL)
			return rparse_err(p, t->col, "expected template=NAME, channel=CH"
			    " or once-per=DURATION, not '%s'", t->text);
		v++;
		if (hark_startswith(t->text, "template=") && *v != '\0') {
			free(a->arg);
			a->arg = xstrdup(v);
		} else if (hark_startswith(t->text, "channel=") &&
		    a->kind == RULES_DO_SEND) {
			if (hark_channel_parse(v, &a->channel) != 0 ||
			    a->channel == HARK_CH_VOICE)
				return rparse_err(p, t->col + 8, "unknown channel '%s' (sms,"
				    " whatsapp, email)", v);
			a->has_channel = 1;
		} else if (hark_startswith(t->text, "once-per=")) {
			if (rules_duration_parse(v, &p->cur->once_per_ms) != 0)
				return rparse_err(p, t->col + 9, "bad duration '%s' (30s,"
				    " 10m, 2h, 2d, 1w)", v);
		} else
			return rparse_err(p, t->col, "unknown option '%s' for %s", t->text,
			    a->kind == RULES_DO_SEND ? "send" : "reply");
	}
	if (a->arg == NULL)
		return rparse_err(p, a->col, "%s needs template=NAME",
		    a->kind == RULES_DO_SEND ? "send" : "reply");
	return 0;
}

static int
parse_action(struct rparse *p, struct rules_action *a)
{
	const struct rtok *t = rparse_word(p, "an action (reply, send, tag, state,"
	    " snooze, notify)"), *v;

	if (t == NULL)
		return -1;
	a->line = p->l->lineno;
	a->col = t->col;
	if (strcmp(t->text, "reply") == 0 || strcmp(t->text, "send") == 0) {
		a->kind = t->text[0] == 'r' ? RULES_DO_REPLY : RULES_DO_SEND;
		return parse_send_opts(p, a);
	}
	if (strcmp(t->text, "tag") == 0) {
		if ((v = rparse_word(p, "add or remove")) == NULL)
			return -1;
		if (strcmp(v->text, "add") != 0 && strcmp(v->text, "remove") != 0)
			return rparse_err(p, v->col, "expected 'tag add TAG' or 'tag remove"
			    " TAG'");
		a->kind = v->text[0] == 'a' ? RULES_DO_TAG_ADD : RULES_DO_TAG_REMOVE;
		if ((v = rparse_word(p, "a tag")) == NULL)
			return -1;
		if (!rparse_good_name(v->text))
			return rparse_err(p, v->col, "bad tag '%s'", v->text);
		a->arg = xstrdup(v->text);
		return 0;
	}
	if (strcmp(t->text, "state") == 0) {
		a->kind = RULES_DO_STATE;
		if ((v = rparse_word(p, "open or done")) == NULL)
			return -1;
		if (strcmp(v->text, "open") != 0 && strcmp(v->text, "done") != 0)
			return rparse_err(p, v->col, "state takes open or done (snooze"
			    " DURATION snoozes)");
		a->arg = xstrdup(v->text);
		return 0;
	}
	if (strcmp(t->text, "snooze") == 0) {
		a->kind = RULES_DO_SNOOZE;
		return rparse_duration(p, "how long to snooze", &a->ms);
	}
	if (strcmp(t->text, "notify") == 0) {
		a->kind = RULES_DO_NOTIFY;
		if ((v = rparse_word(p, "the notification's text")) == NULL)
			return -1;
		a->arg = xstrdup(v->text);
		return 0;
	}
	return rparse_err(p, t->col, "unknown action '%s' (reply, send, tag, state,"
	    " snooze, notify)", t->text);
}
