/*
 * bench.h — what corpus.c plants and store_bench.c searches for, kept in one
 * place so the two cannot drift apart.
 */
#ifndef HARK_BENCH_H
#define HARK_BENCH_H

/* The vocabulary's rank-1 word: it is in most messages, the worst case for
 * a newest-first search that has to look at every match. */
#define HARK_BENCH_COMMON "the"
/* A word of middle rank, in a few per cent of messages: what people look for. */
#define HARK_BENCH_MID "invoice"
/* A token no generated word can spell (the vocabulary is consonant-vowel
 * syllables and real words), planted in one message of every
 * HARK_BENCH_RARE_EVERY, starting at message HARK_BENCH_RARE_FIRST. */
#define HARK_BENCH_RARE "zyzzyva"
#define HARK_BENCH_RARE_EVERY 100000
#define HARK_BENCH_RARE_FIRST 7

#endif
