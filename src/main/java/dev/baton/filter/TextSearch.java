package dev.baton.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed text-search query (Prefect's {@code text} criterion of log and event filters): plain
 * terms and {@code "quoted phrases"} are alternatives (any may match), {@code -term} / {@code !term}
 * must not occur, {@code +term} must occur. Matching is a case-insensitive substring test; a prefix
 * followed by a space is dropped, an unclosed quote runs to the end, and {@code \"} / {@code \\}
 * escape inside a phrase. A blank query has no terms (and constrains nothing).
 */
public record TextSearch(List<String> include, List<String> exclude, List<String> required) {

  public TextSearch {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    required = List.copyOf(required);
  }

  /** True when the query constrains nothing. */
  public boolean isEmpty() {
    return include.isEmpty() && exclude.isEmpty() && required.isEmpty();
  }

  /** Python's {@code str.isspace()} for one character. */
  static boolean space(char ch) {
    return Character.isWhitespace(ch) || Character.isSpaceChar(ch) || ch == '\u0085';
  }

  public static TextSearch parse(String query) {
    List<String> include = new ArrayList<>();
    List<String> exclude = new ArrayList<>();
    List<String> required = new ArrayList<>();
    int n = query.length();
    int i = 0;
    while (i < n) {
      char ch = query.charAt(i);
      if (space(ch)) {
        i++;
        continue;
      }
      char prefix = 0;
      if (ch == '-' || ch == '!' || ch == '+') {
        i++;
        if (i >= n || space(query.charAt(i))) {
          continue; // a prefix on its own is dropped
        }
        prefix = ch;
      }
      String term;
      if (query.charAt(i) == '"') {
        int start = ++i;
        while (i < n) {
          char c = query.charAt(i);
          if (c == '\\' && i + 1 < n) {
            i += 2;
          } else if (c == '"') {
            break;
          } else {
            i++;
          }
        }
        term = unescape(query.substring(start, Math.min(i, n)));
        if (i < n) {
          i++; // the closing quote
        }
        if (isBlank(term)) {
          continue;
        }
      } else {
        int start = i;
        while (i < n && !space(query.charAt(i)) && query.charAt(i) != '"') {
          i++;
        }
        term = query.substring(start, i);
        if (term.isEmpty()) {
          continue;
        }
      }
      (prefix == '-' || prefix == '!' ? exclude : prefix == '+' ? required : include).add(term);
    }
    return new TextSearch(include, exclude, required);
  }

  private static boolean isBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!space(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** {@code \"} → {@code "}, {@code \\} → {@code \}; any other backslash stays. */
  private static String unescape(String phrase) {
    StringBuilder sb = new StringBuilder(phrase.length());
    int i = 0;
    while (i < phrase.length()) {
      char c = phrase.charAt(i);
      if (c == '\\' && i + 1 < phrase.length() && (phrase.charAt(i + 1) == '"' || phrase.charAt(i + 1) == '\\')) {
        sb.append(phrase.charAt(i + 1));
        i += 2;
      } else {
        sb.append(c);
        i++;
      }
    }
    return sb.toString();
  }
}
