/* The fuzz targets' shared parts: the entry point libFuzzer calls (also
 * called by replay.c, so gcc builds replay the seed corpora) and a small
 * rule set written for the fuzzers. */
#ifndef AG_FUZZ_H
#define AG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* s as a YAML double-quoted scalar into out (room for 4 * n + 2): every
 * byte that is not a plain printable character is escaped.  Returns the
 * length written. */
static inline size_t fuzz_yaml_quote(char *out, const uint8_t *s, size_t n) {
  size_t k = 0;
  out[k++] = '"';
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= 0x20 && s[i] < 0x7F && s[i] != '"' && s[i] != '\\')
      out[k++] = (char)s[i];
    else
      k += (size_t)sprintf(out + k, "\\x%02x", s[i]);
  }
  out[k++] = '"';
  return k;
}

/* Actors, classes and relations that exercise every part of the matcher:
 * aliases with exact case, dated aliases, roles, lists, amounts,
 * reporting frames, negation and hedges. */
static const char FUZZ_RULES[] =
    "actors:\n"
    "  - {id: north-korea, name: North Korea, type: state, aliases: [DPRK, Pyongyang, North Korean]}\n"
    "  - {id: lazarus, name: Lazarus Group, type: group, affiliation: north-korea,\n"
    "     aliases: [Lazarus, {text: HIDDEN COBRA, case: exact}]}\n"
    "  - {id: bank, name: Bangladesh Bank, type: bank}\n"
    "  - {id: fbi, name: FBI, type: agency}\n"
    "  - {id: us, name: United States, type: state, aliases: [US, U.S., American]}\n"
    "  - {id: trump, name: Donald Trump, type: person,\n"
    "     aliases: [{text: the president, from: 2017-01-20, to: 2021-01-20}]}\n"
    "classes:\n"
    "  STEAL: [steal~, rob~, \"made off with\"]\n"
    "  ATTACK: [attack~, hack~, target~]\n"
    "  ROLE: [hackers, officials, group]\n"
    "  NEGATION: [not, never, denied]\n"
    "  HYPOTHETICAL: [may, might, could]\n"
    "  HEDGE: [allegedly, suspected]\n"
    "  REPORT: [said, says, according to]\n"
    "relations:\n"
    "  - name: stole-from\n"
    "    patterns: [\"{source} $STEAL ...6 from {target}\", \"{source} $STEAL {amount} from {target}\"]\n"
    "  - name: attacked\n"
    "    blame: true\n"
    "    patterns: [\"{source} $ATTACK {target}\", \"{target} was $ATTACK by {source}\"]\n"
    "  - name: met-with\n"
    "    symmetric: true\n"
    "    patterns: [\"{source:state|person} met (with)? {target:state|person}\"]\n";

#endif
