package dev.baton.runinput;

import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.regex.RegularExpression;

/** Regex via RE2 (linear time) when the pattern allows; otherwise JDK regex with a time budget. */
final class SafeRegex {
  private SafeRegex() {}

  static RegularExpression compile(String regex) {
    try {
      com.google.re2j.Pattern p = com.google.re2j.Pattern.compile(regex);
      return value -> p.matcher(value).find();
    } catch (RuntimeException e) {
      java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
      return value -> p.matcher(new Deadline(value, System.nanoTime() + 200_000_000L)).find();
    }
  }

  private record Deadline(CharSequence s, long until) implements CharSequence {
    @Override
    public char charAt(int index) {
      if (System.nanoTime() > until) throw new JsonSchemaException("Regular expression took too long");
      return s.charAt(index);
    }

    @Override
    public int length() {
      return s.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Deadline(s.subSequence(start, end), until);
    }

    @Override
    public String toString() {
      return s.toString();
    }
  }
}
