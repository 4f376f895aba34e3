/*
 * webhook_int.h — what the webhook parsers share (webhook.c: the storage
 * and Twilio's forms; webhook_email.c: SendGrid and Mailgun). Every string
 * an event points to lives in the storage of its struct webhook_events and
 * is released by webhook_events_free.
 */
#ifndef HARK_WEBHOOK_INT_H
#define HARK_WEBHOOK_INT_H

#include "hark/relay.h"

/* Empties out and gives it fresh storage; a parser calls it first. */
void wh_init(struct webhook_events *out);
/* Hands p (allocated) to w's storage and returns it. */
void *wh_keep(struct webhook_events *w, void *p);
/* A copy of s kept in w's storage, or NULL when s is NULL. */
const char *wh_str(struct webhook_events *w, const char *s);
/* Appends an event with nothing known yet; valid until the next append. */
struct provider_event *wh_event(struct webhook_events *w,
    enum provider_event_type type, const char *provider);
/* Sets the cause, empties the events and returns -1. */
int wh_fail(struct webhook_events *w, char **cause, const char *fmt,
    ...) HARK_PRINTF(3, 4);

#endif
