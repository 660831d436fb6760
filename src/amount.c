/* Match stage, money amounts: "$81 million", "€72 million", "1.3 billion
 * dollars", "$620m", "USD 5bn", "roughly $6 million" -> a value in units of
 * a currency (ISO code, or BTC/ETH). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct word_value {
  const char *word;
  const char *code;
} word_value;

static const word_value SYMBOLS[] = {
    {"$", "USD"}, {"€", "EUR"}, {"£", "GBP"}, {"¥", "JPY"}, {"₩", "KRW"},
    {"usd", "USD"}, {"eur", "EUR"}, {"gbp", "GBP"}, {NULL, NULL}};

static const word_value NAMES[] = {
    {"dollars", "USD"}, {"dollar", "USD"},  {"usd", "USD"},      {"euros", "EUR"},
    {"euro", "EUR"},    {"eur", "EUR"},     {"pounds", "GBP"},   {"sterling", "GBP"},
    {"yen", "JPY"},     {"yuan", "CNY"},    {"renminbi", "CNY"}, {"won", "KRW"},
    {"rupees", "INR"},  {"roubles", "RUB"}, {"rubles", "RUB"},   {"taka", "BDT"},
    {"bitcoin", "BTC"}, {"bitcoins", "BTC"}, {"btc", "BTC"},     {"ether", "ETH"},
    {"eth", "ETH"},     {NULL, NULL}};

static const char *W(const ag_doc *d, size_t i) { return ag_tok_norm(d, i); }

static const char *lookup(const word_value *t, const char *w) {
  for (size_t i = 0; t[i].word; i++)
    if (strcmp(t[i].word, w) == 0) return t[i].code;
  return NULL;
}

static double multiplier(const char *w) {
  if (!strcmp(w, "thousand") || !strcmp(w, "k")) return 1e3;
  if (!strcmp(w, "million") || !strcmp(w, "millions") || !strcmp(w, "m") ||
      !strcmp(w, "mn") || !strcmp(w, "mln"))
    return 1e6;
  if (!strcmp(w, "billion") || !strcmp(w, "billions") || !strcmp(w, "bn") ||
      !strcmp(w, "b"))
    return 1e9;
  if (!strcmp(w, "trillion") || !strcmp(w, "tn")) return 1e12;
  return 0;
}

/* A number token, with a glued multiplier ("620m", "1.3bn"). */
static int number(const char *w, double *value) {
  char buf[64], *end;
  size_t n = 0;
  if (!(w[0] >= '0' && w[0] <= '9')) return 0;
  for (const char *p = w; *p && n + 1 < sizeof buf; p++)
    if (*p != ',') buf[n++] = *p;
  buf[n] = '\0';
  double v = strtod(buf, &end);
  if (end == buf) return 0;
  if (*end) {
    double m = multiplier(end);
    if (m == 0) return 0;
    v *= m;
  }
  *value = v;
  return 1;
}

/* "roughly", "more than", "an estimated": read past, not kept */
static size_t approx(const ag_doc *d, size_t p, size_t end) {
  static const char *const ONE[] = {"about", "roughly", "nearly", "around", "almost",
                                    "approximately", "some", "over", "circa", "just",
                                    "estimated", "only", NULL};
  static const char *const TWO[][2] = {{"more", "than"}, {"at", "least"}, {"up", "to"},
                                       {"less", "than"}, {"as", "much"}, {"an", "estimated"},
                                       {NULL, NULL}};
  for (size_t i = 0; TWO[i][0]; i++)
    if (p + 1 < end && !strcmp(W(d, p), TWO[i][0]) && !strcmp(W(d, p + 1), TWO[i][1]))
      return p + 2 + (p + 2 < end && !strcmp(TWO[i][1], "much") &&
                      !strcmp(W(d, p + 2), "as"));
  for (size_t i = 0; ONE[i]; i++)
    if (p < end && !strcmp(W(d, p), ONE[i])) return p + 1;
  return p;
}

size_t ag_amount_at(const ag_doc *d, size_t pos, size_t end, double *value,
                    char currency[8]) {
  size_t p = approx(d, pos, end);
  const char *code = NULL;
  double v, m;
  if (p < end && !strcmp(W(d, p), "us") && p + 1 < end && !strcmp(W(d, p + 1), "$"))
    p++; /* US$ */
  if (p < end && (code = lookup(SYMBOLS, W(d, p))) != NULL) {
    if (++p >= end || !number(W(d, p), &v)) return 0;
    p++;
  } else if (p < end && number(W(d, p), &v)) {
    p++;
  } else {
    return 0;
  }
  if (p < end && (m = multiplier(W(d, p))) > 0) {
    v *= m;
    p++;
  }
  if (!code) {
    /* "1.3 billion dollars", "75 bitcoin", "81 million US dollars" */
    if (p + 1 < end && !strcmp(W(d, p), "us") && lookup(NAMES, W(d, p + 1))) p++;
    if (p >= end || !(code = lookup(NAMES, W(d, p)))) return 0;
    p++;
  }
  *value = v;
  ag_copy_str(currency, 8, code);
  return p - pos;
}
