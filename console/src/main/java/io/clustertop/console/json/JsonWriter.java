package io.clustertop.console.json;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Writes one JSON text into a string, placing the commas itself: {@code name} before each member
 * of an object, then one value (or a nested object or array).
 *
 * <p>Strings are escaped per RFC 8259 and left otherwise as they are; decimals are written with
 * at most three decimals, and NaN and the infinities, which JSON cannot express, as {@code null}.
 * Not thread-safe; one per text.
 */
public final class JsonWriter {
  private final StringBuilder out = new StringBuilder(1024);
  /** Whether a value is already written at this level, so that the next needs a comma first. */
  private boolean needsComma;

  public JsonWriter beginObject() {
    comma();
    out.append('{');
    needsComma = false;
    return this;
  }

  public JsonWriter endObject() {
    out.append('}');
    needsComma = true;
    return this;
  }

  public JsonWriter beginArray() {
    comma();
    out.append('[');
    needsComma = false;
    return this;
  }

  public JsonWriter endArray() {
    out.append(']');
    needsComma = true;
    return this;
  }

  /** The name of the next member; its value follows without a comma. */
  public JsonWriter name(String name) {
    comma();
    quote(name);
    out.append(':');
    needsComma = false;
    return this;
  }

  public JsonWriter value(String text) {
    comma();
    if (text == null) {
      out.append("null");
    } else {
      quote(text);
    }
    needsComma = true;
    return this;
  }

  public JsonWriter value(long number) {
    return raw(Long.toString(number));
  }

  /** An integer, or {@code null}. */
  public JsonWriter value(Integer number) {
    return raw(number == null ? "null" : number.toString());
  }

  /** A decimal with at most three decimals (half up, trailing zeros dropped), or {@code null} for NaN and infinities. */
  public JsonWriter value(double number) {
    if (!Double.isFinite(number)) {
      return raw("null");
    }
    return raw(BigDecimal.valueOf(number).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString());
  }

  public JsonWriter value(boolean flag) {
    return raw(Boolean.toString(flag));
  }

  public JsonWriter nullValue() {
    return raw("null");
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private JsonWriter raw(String token) {
    comma();
    out.append(token);
    needsComma = true;
    return this;
  }

  private void comma() {
    if (needsComma) {
      out.append(',');
    }
  }

  /**
   * RFC 8259: quote, backslash and the control characters escaped; a lone surrogate, which UTF-8
   * cannot carry, written as a six-character escape too; U+2028 and U+2029 escaped as well, so
   * that the line is also valid JavaScript.
   */
  private void quote(String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            unicodeEscape(c);
          } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            out.append(c).append(text.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            unicodeEscape(c);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private void unicodeEscape(char c) {
    out.append(String.format("\\u%04x", (int) c));
  }
}
