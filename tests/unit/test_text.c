/* Text and input stages: tokens, sentences, date markers, UTF-8 cleaning,
 * word forms. */
#include "../check.h"
#include "internal.h"

#include <stdlib.h>

/* Tokens of s joined by '|'; with flags, each form followed by "C" when
 * capitalised and "A" when all capitals. */
static const char *tokens_of(const char *s, int flags) {
  static char out[1024];
  ag_doc d;
  ag_doc_init(&d);
  ag_doc_parse(&d, s, strlen(s));
  out[0] = '\0';
  for (size_t i = 0; i < d.ntoks; i++) {
    if (i) strcat(out, "|");
    strcat(out, ag_tok_norm(&d, i));
    if (flags && (d.toks[i].flags & AG_TOK_CAP)) strcat(out, "C");
    if (flags && (d.toks[i].flags & AG_TOK_ALLCAPS)) strcat(out, "A");
  }
  ag_doc_destroy(&d);
  return out;
}

static const char *toks(const char *s) { return tokens_of(s, 0); }
static const char *caps(const char *s) { return tokens_of(s, 1); }

/* Sentences of s, each as its original text, joined by " // ". */
static const char *sents(const char *s) {
  static char out[2048];
  ag_doc d;
  ag_doc_init(&d);
  ag_doc_parse(&d, s, strlen(s));
  out[0] = '\0';
  for (size_t i = 0; i < d.nsents; i++) {
    const ag_token *a = &d.toks[d.sents[i].first];
    const ag_token *b = &d.toks[d.sents[i].first + d.sents[i].count - 1];
    if (i) strcat(out, " // ");
    strncat(out, s + a->start, b->start + b->len - a->start);
  }
  ag_doc_destroy(&d);
  return out;
}

/* toks of s followed by more text, so that every word of s can be read
 * eight bytes at a time; the words that follow are left out */
static const char *toks_then(const char *s) {
  static char in[512], out[1024];
  snprintf(in, sizeof in, "%s ZZZZZZZZZZZZZZZZ", s);
  snprintf(out, sizeof out, "%s", toks(in));
  char *z = strstr(out, "|zzzzzzzzzzzzzzzz");
  if (z) *z = '\0';
  return out;
}

static void test_tokens(void) {
  /* the same words near the end of a text and in the middle of one */
  static const char *const cases[][2] = {
      {"A North Korea-linked group", "a|north|korea|-|linked|group"},
      {"the U.S. and the U.K.", "the|u.s.|and|the|u.k."},
      {"$2.5 billion (81,000 BTC) on 1,2 or 3.", "$|2.5|billion|(|81,000|btc|)|on|1,2|or|3|."},
      {"Pyongyang didn't deny it", "pyongyang|did|n't|deny|it"},
      {"Taiwan's bank, Lazarus's. O'Brien", "taiwan|'s|bank|,|lazarus|'s|.|o'brien"},
      {"Zürich-based Crédit Suisse", "zürich|-|based|crédit|suisse"},
      {"ransomware,extortion.Operators", "ransomware|,|extortion|.|operators"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    CHECK_STR(toks(cases[c][0]), cases[c][1]);
    CHECK_STR(toks_then(cases[c][0]), cases[c][1]);
  }
  CHECK_STR(toks("A North Korea-linked group"), "a|north|korea|-|linked|group");
  CHECK_STR(toks("Taiwan's Far Eastern bank"), "taiwan|'s|far|eastern|bank");
  CHECK_STR(toks("Taiwan\xE2\x80\x99s bank"), "taiwan|'s|bank");
  CHECK_STR(toks("Pyongyang didn't deny it"), "pyongyang|did|n't|deny|it");
  CHECK_STR(toks("the U.S. and the U.K."), "the|u.s.|and|the|u.k.");
  CHECK_STR(toks("$2.5 billion (81,000 BTC)"), "$|2.5|billion|(|81,000|btc|)");
  CHECK_STR(toks("O'Brien said \xE2\x80\x9Cno\xE2\x80\x9D"), "o'brien|said|\"|no|\"");
  CHECK_STR(toks("Trump \xE2\x80\x93 Kim"), "trump|--|kim");
  CHECK_STR(toks("'s"), "'s");
  CHECK_STR(toks("Côte d'Ivoire"), "côte|d'ivoire");
}

static void test_forms_and_capitals(void) {
  /* forms are lower-cased eight bytes at a time, except near the end of the
   * text: the same words in both places */
  const char *words = "NATO Kim KIMSUKY-LINKED Cybercriminals CYBERCRIMINALS "
                      "cyberCRIMINALS A I.B.M. Zürich ZURICH 9th AB1 X-Y";
  const char *want = "natoCA|kimC|kimsukyCA|-|linkedCA|cybercriminalsC|cybercriminalsCA|"
                     "cybercriminals|aC|i.b.m.CA|zürichC|zurichCA|9th|ab1CA|xC|-|yC";
  CHECK_STR(caps(words), want);
  char padded[512];
  snprintf(padded, sizeof padded, "%s and so on, and so on, and so on", words);
  CHECK(strncmp(caps(padded), want, strlen(want)) == 0);
  /* at the very end, with fewer than eight bytes left */
  CHECK_STR(caps("the CIA"), "the|ciaCA");
  CHECK_STR(caps("ABCDEFGHI"), "abcdefghiCA");
  CHECK_STR(caps("ABCDEFGHi"), "abcdefghiC");
  /* each token's hash is its form's, for words of 1 to 24 bytes with
   * capitals and digits anywhere, in the middle of a text and at its end */
  for (int at_end = 0; at_end < 2; at_end++) {
    char text[1024] = "";
    size_t len = 0;
    for (int n = 1; n <= 24; n++) {
      for (int k = 0; k < n; k++)
        text[len++] = (char)((k + n) % 5 == 0 ? '0' + k % 10 : (k + n) % 3 ? 'a' + (k * 7 + n) % 26
                                                                           : 'A' + (k + n) % 26);
      text[len++] = ' ';
    }
    if (!at_end) len += (size_t)snprintf(text + len, sizeof text - len, "and so on and on");
    text[len] = '\0';
    ag_doc d;
    ag_doc_init(&d);
    CHECK(ag_doc_parse(&d, text, len) == 0);
    CHECK(d.ntoks == (at_end ? 24u : 29u));
    for (size_t i = 0; i < d.ntoks; i++) {
      const char *w = ag_tok_norm(&d, i);
      CHECK(d.toks[i].hash == ag_word_hash(w, strlen(w)));
      for (const char *c = w; *c; c++) CHECK(!(*c >= 'A' && *c <= 'Z'));
    }
    ag_doc_destroy(&d);
  }
}

static void test_sentences(void) {
  CHECK_STR(sents("The U.S. Treasury sanctioned them. Mr. Smith left on Feb. 3. "
                  "It cost $2.5 billion, e.g. a lot. No. 1 is here."),
            "The U.S. Treasury sanctioned them. // Mr. Smith left on Feb. 3. // "
            "It cost $2.5 billion, e.g. a lot. // No. 1 is here.");
  CHECK_STR(sents("He said \"we did it.\" Then he left."),
            "He said \"we did it.\" // Then he left.");
  CHECK_STR(sents("Who is behind the hacking\n\nA group did it."),
            "Who is behind the hacking // A group did it.");
  CHECK_STR(sents("Headline without a stop\nThe body starts here."),
            "Headline without a stop // The body starts here.");
  /* hard-wrapped prose: a long line ending in a word continues */
  CHECK_STR(sents("The company said on Tuesday that hackers linked to North\n"
                  "Korea stole the money."),
            "The company said on Tuesday that hackers linked to North\n"
            "Korea stole the money.");
  CHECK_STR(sents("Really? Yes! Done."), "Really? // Yes! // Done.");
  CHECK_STR(sents("J. Smith was charged."), "J. Smith was charged.");
}

static void test_date(void) {
  char date[11];
  const char *a = "date 2017-12-19 North Korea is";
  CHECK(ag_article_date(a, strlen(a), date) == 15);
  CHECK_STR(date, "2017-12-19");
  const char *b = "  \ndate 2017-12-19\n\nHeadline";
  CHECK(ag_article_date(b, strlen(b), date) == 18);
  CHECK_STR(date, "2017-12-19");
  const char *c = "date 2017-13-01 not a month";
  CHECK(ag_article_date(c, strlen(c), date) == 0);
  CHECK_STR(date, "");
  const char *d = "dated 2017-12-19";
  CHECK(ag_article_date(d, strlen(d), date) == 0);
  const char *e = "date 2017-12-1x";
  CHECK(ag_article_date(e, strlen(e), date) == 0);
  const char *f = "date 2017-12-19";
  CHECK(ag_article_date(f, strlen(f), date) == 15);
  CHECK(ag_article_date("", 0, date) == 0);
}

static void test_utf8(void) {
  size_t n;
  char *s = ag_utf8_clean("a\xff" "b\x01" "c\n\xE2\x82\xAC", 9, &n);
  CHECK_STR(s, "a\xEF\xBF\xBD" "b c\n\xE2\x82\xAC");
  free(s);
  s = ag_utf8_clean("\xEF\xBB\xBFhi", 5, &n);
  CHECK_STR(s, "hi");
  free(s);
  s = ag_utf8_clean("x\0y", 3, &n); /* a NUL byte becomes a space */
  CHECK(n == 3 && s[1] == ' ');
  free(s);
  s = ag_utf8_clean("\xED\xA0\x80", 3, &n); /* a surrogate is invalid */
  CHECK(strncmp(s, "\xEF\xBF\xBD", 3) == 0);
  free(s);
}

static int has_form(const char *word, const char *form) {
  char **forms;
  size_t n;
  int found = 0;
  if (ag_word_forms(word, &forms, &n)) return 0;
  for (size_t i = 0; i < n; i++) {
    found |= strcmp(forms[i], form) == 0;
    free(forms[i]);
  }
  free(forms);
  return found;
}

static void test_word_forms(void) {
  CHECK(has_form("attack", "attacks"));
  CHECK(has_form("attack", "attacked"));
  CHECK(has_form("attack", "attacking"));
  CHECK(has_form("steal", "stole"));
  CHECK(has_form("steal", "stolen"));
  CHECK(has_form("steal", "stealing"));
  CHECK(has_form("target", "targeted"));
  CHECK(has_form("ban", "banned"));
  CHECK(has_form("seize", "seized"));
  CHECK(has_form("seize", "seizing"));
  CHECK(has_form("try", "tries"));
  CHECK(has_form("try", "tried"));
  CHECK(has_form("launch", "launches"));
  CHECK(has_form("meet", "met"));
  CHECK(!has_form("attack", "attackes"));
}

/* Money at the start of s: "value CUR" or "" when none. */
static const char *money(const char *s) {
  static char out[64];
  ag_doc d;
  double v;
  char cur[8];
  ag_doc_init(&d);
  ag_doc_parse(&d, s, strlen(s));
  size_t n = ag_amount_at(&d, 0, d.ntoks, &v, cur);
  if (n) snprintf(out, sizeof out, "%.15g %s/%zu", v, cur, n);
  else out[0] = '\0';
  ag_doc_destroy(&d);
  return out;
}

static void test_amounts(void) {
  CHECK_STR(money("$81 million from"), "81000000 USD/3");
  CHECK_STR(money("\xE2\x82\xAC" "72 million"), "72000000 EUR/3");
  CHECK_STR(money("1.3 billion dollars"), "1300000000 USD/3");
  CHECK_STR(money("roughly $6 million"), "6000000 USD/4");
  CHECK_STR(money("more than $100m"), "100000000 USD/4");
  CHECK_STR(money("$620m"), "620000000 USD/2");
  CHECK_STR(money("US$ 5bn"), "5000000000 USD/3");
  CHECK_STR(money("75 bitcoin"), "75 BTC/2");
  CHECK_STR(money("81,000 dollars"), "81000 USD/2");
  CHECK_STR(money("\xC2\xA3" "2.5 billion"), "2500000000 GBP/3");
  CHECK_STR(money("17 countries"), "");
  CHECK_STR(money("2016"), "");
  CHECK_STR(money("$"), "");
}

int main(void) {
  test_forms_and_capitals();
  test_tokens();
  test_sentences();
  test_date();
  test_utf8();
  test_word_forms();
  test_amounts();
  return check_summary("text");
}
