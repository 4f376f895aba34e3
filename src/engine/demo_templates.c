/*
 * demo_templates.c — the template library of `hark --demo`: the quick replies
 * a small sales, repair and property business sends every day, one per
 * category, each with SMS, WhatsApp and email bodies.
 *
 * They use the variables the engine builds for a contact (first_name, name,
 * company, my_name, my_company, today) and custom fields (appointment,
 * address, device, amount, quote_amount, valid_until, review_link, property,
 * viewing_at, invoice, due_date, return_date). Most custom fields sit in
 * sections or have defaults, so a template reads well for any contact; a few
 * are required on purpose (viewing_at, amount, due_date), so the picker's
 * preview shows what is missing.
 */

#include <stddef.h>

#include "hark/engine.h"
#include "hark/store.h"

static const struct store_template demo_templates[] = {
	{
		.name = "follow-up", .category = "sales",
		.sms_body = "Hi {{first_name|there}}, it's {{my_name}}"
		    "{{#my_company}} from {{my_company}}{{/my_company}}. Just checking"
		    " in: any questions I can help with?",
		.whatsapp_body = "Hi {{first_name|there}} \xf0\x9f\x91\x8b it's"
		    " {{my_name}}. Just checking in: anything I can help with?",
		.email_subject = "Following up{{#company}} with {{company}}{{/company}}",
		.email_text = "Hi {{first_name|there}},\n\n"
		    "I wanted to follow up on our conversation. If anything is"
		    " unclear or you'd like to talk it through, just reply to this"
		    " email.\n\nBest,\n{{my_name}}\n",
	},
	{
		.name = "booking-confirmation", .category = "bookings",
		.sms_body = "Hi {{first_name|there}}, you're booked for"
		    " {{appointment|date:%A %-d %B at %-I:%M %p|the time we agreed}}"
		    "{{#address}} at {{address}}{{/address}}. Reply here if you need"
		    " to change it. {{my_name}}",
		.whatsapp_body = "\xe2\x9c\x85 Booked: {{appointment|date:%a %-d %b,"
		    " %-I:%M %p|as agreed}}{{#address}}\n\xf0\x9f\x93\x8d {{address}}"
		    "{{/address}}\nSee you then, {{first_name|there}}!",
		.email_subject = "Your booking on {{appointment|date:%-d %B|the day"
		    " we agreed}}",
		/* A section tag alone on its line takes the line with it. */
		.email_text = "Hi {{first_name|there}},\n\n"
		    "This confirms your booking on {{appointment|date:%A %-d %B at"
		    " %-I:%M %p|the day we agreed}}.\n"
		    "{{#address}}\n"
		    "\nWhere: {{address}}\n"
		    "{{/address}}\n"
		    "\nIf you need to change it, reply to this email.\n\n{{my_name}}\n",
		.email_html = "<p>Hi {{first_name|there}},</p>\n"
		    "<p>This confirms your booking on <b>{{appointment|date:%A %-d %B"
		    " at %-I:%M %p|the day we agreed}}</b>.</p>\n"
		    "{{#address}}\n<p>Where: {{address}}</p>\n{{/address}}"
		    "<p>If you need to change it, reply to this email.</p>\n"
		    "<p>{{my_name}}</p>\n",
	},
	{
		.name = "repair-ready", .category = "repairs",
		.sms_body = "Hi {{first_name|there}}, good news: your {{device|repair}}"
		    " is ready for pickup.{{#amount}} Balance due:"
		    " {{amount|money:USD}}.{{/amount}} We're open until 6pm."
		    " {{my_name}}",
		.whatsapp_body = "\xf0\x9f\x94\xa7 Your {{device|repair}} is ready for"
		    " pickup, {{first_name|there}}!{{#amount}}\nBalance due:"
		    " {{amount|money:USD}}{{/amount}}\nOpen until 6pm today.",
		.email_subject = "Your {{device|repair}} is ready for pickup",
		.email_text = "Hi {{first_name|there}},\n\n"
		    "Your {{device|repair}} is ready for pickup.{{#amount}} The"
		    " balance due is {{amount|money:USD}}.{{/amount}}\n"
		    "\nWe're open 9am to 6pm, Monday to Saturday.\n\n{{my_name}}\n",
	},
	{
		.name = "quote-sent", .category = "sales",
		.sms_body = "Hi {{first_name|there}}, I've emailed your quote"
		    "{{#quote_amount}} ({{quote_amount|money:USD}}){{/quote_amount}}."
		    " It's valid until {{valid_until|date:%-d %B|the end of the"
		    " month}}. Any questions, just reply. {{my_name}}",
		.whatsapp_body = "Hi {{first_name|there}}, your quote is in your inbox"
		    "{{#quote_amount}}: {{quote_amount|money:USD}}{{/quote_amount}}."
		    " Valid until {{valid_until|date:%-d %b|the end of the month}}.",
		.email_subject = "Your quote{{#company}} for {{company}}{{/company}}",
		.email_text = "Hi {{first_name|there}},\n\n"
		    "As promised, here is your quote"
		    "{{#quote_amount}} for {{quote_amount|money:USD}}{{/quote_amount}}."
		    " It is valid until {{valid_until|date:%A %-d %B|the end of the"
		    " month}}.\n\nHappy to go through it on a call whenever suits"
		    " you.\n\nBest,\n{{my_name}}\n",
	},
	{
		.name = "review-request", .category = "after-sale",
		.sms_body = "Thanks for choosing {{my_company|us}},"
		    " {{first_name|there}}! Would you leave us a quick review?"
		    "{{#review_link}} {{review_link}}{{/review_link}}"
		    "{{^review_link}} Just reply with a line or two.{{/review_link}}",
		.whatsapp_body = "Thanks again, {{first_name|there}}! \xe2\xad\x90"
		    " A quick review would mean a lot to us."
		    "{{#review_link}}\n{{review_link}}{{/review_link}}",
		.email_subject = "How did we do?",
		.email_text = "Hi {{first_name|there}},\n\n"
		    "Thank you for choosing {{my_company|us}}. If you have a minute,"
		    " a short review helps other people find us.\n"
		    "{{#review_link}}\n"
		    "\n{{review_link}}\n"
		    "{{/review_link}}\n"
		    "{{^review_link}}\n"
		    "\nJust reply to this email with a line or two.\n"
		    "{{/review_link}}\n"
		    "\n{{my_name}}\n",
	},
	{
		.name = "viewing-reminder", .category = "property",
		.sms_body = "Reminder: your viewing of {{property|the property}} is"
		    " {{viewing_at|date:%A at %-I:%M %p}}. Reply if you're running"
		    " late. {{my_name}}",
		.whatsapp_body = "\xf0\x9f\x8f\xa0 Viewing reminder: {{property|the"
		    " property}}, {{viewing_at|date:%a %-d %b at %-I:%M %p}}. See you"
		    " there, {{first_name|there}}!",
		.email_subject = "Viewing reminder: {{property|your viewing}}",
		.email_text = "Hi {{first_name|there}},\n\n"
		    "A reminder that your viewing of {{property|the property}} is on"
		    " {{viewing_at|date:%A %-d %B at %-I:%M %p}}.\n\n"
		    "If you can't make it, reply and we'll find another time.\n\n"
		    "{{my_name}}\n",
	},
	{
		.name = "payment-reminder", .category = "billing",
		.sms_body = "Hi {{first_name|there}}, a friendly reminder that"
		    " {{#invoice}}invoice {{invoice}}{{/invoice}}{{^invoice}}your"
		    " invoice{{/invoice}} for {{amount|money:USD}} is due"
		    " {{due_date|date:%-d %b}}. Thank you! {{my_name}}",
		.whatsapp_body = "Hi {{first_name|there}}, just a reminder:"
		    " {{amount|money:USD}} is due {{due_date|date:%-d %b}}."
		    " Reply if you have any questions.",
		.whatsapp_content_sid = "HX5c1f0e4b9d2a4e7f8a3b6c0d1e2f3a4b",
		.email_subject = "Payment reminder{{#invoice}}: invoice {{invoice}}"
		    "{{/invoice}}",
		.email_text = "Hi {{first_name|there}},\n\n"
		    "A friendly reminder that {{#invoice}}invoice {{invoice}}"
		    "{{/invoice}}{{^invoice}}your invoice{{/invoice}} for"
		    " {{amount|money:USD}} is due on {{due_date|date:%A %-d %B}}.\n\n"
		    "If you've already paid, thank you, and please ignore this.\n\n"
		    "{{my_name}}\n",
	},
	{
		.name = "out-of-office", .category = "auto-reply",
		.sms_body = "Thanks for your message{{#first_name}}, {{first_name}}"
		    "{{/first_name}}. I'm out of the office until {{return_date|date:"
		    "%A %-d %B|next week}} and will reply when I'm back. {{my_name}}",
		.whatsapp_body = "Thanks{{#first_name}}, {{first_name}}{{/first_name}}!"
		    " I'm away until {{return_date|date:%a %-d %b|next week}} and"
		    " will get back to you then.",
		.email_subject = "Out of office until {{return_date|date:%-d %B|next"
		    " week}}",
		.email_text = "Hello{{#first_name}} {{first_name}}{{/first_name}},\n\n"
		    "Thank you for your email. I'm out of the office until"
		    " {{return_date|date:%A %-d %B|next week}} with limited access to"
		    " messages, and will reply when I'm back.\n\n{{my_name}}\n",
	},
};

/* Idempotent: a template already holding this text gets no new version. */
int
engine_demo_templates(struct store *st, char **cause)
{
	size_t i;

	for (i = 0; i < sizeof demo_templates / sizeof demo_templates[0]; i++) {
		if (store_template_save(st, &demo_templates[i], NULL, cause) < 0)
			return -1;
	}
	return 0;
}
