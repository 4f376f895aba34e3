/* twilio_int.h — what the Twilio provider lets its unit test adjust. */
#ifndef HARK_TWILIO_INT_H
#define HARK_TWILIO_INT_H

struct provider;

/* The whole-attempt timeout of the provider's requests (default 30 s), so
 * that a test sees a timeout without waiting half a minute. */
void twilio_set_timeout_ms(struct provider *p, long ms);

#endif
