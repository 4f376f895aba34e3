/* tui_cmds.h — the commands of the table in cmd.c (cmd_nav.c, cmd_msg.c). */
#ifndef HARK_TUI_CMDS_H
#define HARK_TUI_CMDS_H

struct tui;

/* argv[from..] joined with spaces, newly allocated (cmd.c). */
char *tui_join(int argc, char **argv, int from);

#define TUI_CMD(name) int name(struct tui *t, int argc, char **argv, char **cause)

/* cmd_nav.c: moving, panes, the screen */
TUI_CMD(tcmd_quit);
TUI_CMD(tcmd_help);
TUI_CMD(tcmd_redraw);
TUI_CMD(tcmd_suspend);
TUI_CMD(tcmd_focus);
TUI_CMD(tcmd_focus_next);
TUI_CMD(tcmd_focus_prev);
TUI_CMD(tcmd_up);
TUI_CMD(tcmd_down);
TUI_CMD(tcmd_top);
TUI_CMD(tcmd_bottom);
TUI_CMD(tcmd_page_up);
TUI_CMD(tcmd_page_down);
TUI_CMD(tcmd_half_page_up);
TUI_CMD(tcmd_half_page_down);
TUI_CMD(tcmd_select);
TUI_CMD(tcmd_command_prompt);
TUI_CMD(tcmd_theme);
TUI_CMD(tcmd_bind);
TUI_CMD(tcmd_filter);
TUI_CMD(tcmd_search);
TUI_CMD(tcmd_search_next);
TUI_CMD(tcmd_search_prev);
TUI_CMD(tcmd_toggle_quotes);

/* attach.c: an email's attachments */
TUI_CMD(tcmd_open_attachment);

/* compose_files.c: files that go with the email being written */
TUI_CMD(tcmd_attach);
TUI_CMD(tcmd_detach);
TUI_CMD(tcmd_html);

/* cmd_msg.c: writing, sending, the conversation's state */
TUI_CMD(tcmd_reply);
TUI_CMD(tcmd_compose);
TUI_CMD(tcmd_channel);
TUI_CMD(tcmd_send);
TUI_CMD(tcmd_schedule);
TUI_CMD(tcmd_cancel);
TUI_CMD(tcmd_resend);
TUI_CMD(tcmd_template);
TUI_CMD(tcmd_edit);
TUI_CMD(tcmd_mark);
TUI_CMD(tcmd_snooze);
TUI_CMD(tcmd_call);
TUI_CMD(tcmd_outcome);
TUI_CMD(tcmd_prefer);

/* cmd_route.c: preferences and bulk sends */
TUI_CMD(tcmd_set_pref);
TUI_CMD(tcmd_bulk);
struct hbuf;
void tui_bulk_progress(struct tui *t, struct hbuf *b);

/* pane_report.c: the dashboard */
TUI_CMD(tcmd_report);

#endif
