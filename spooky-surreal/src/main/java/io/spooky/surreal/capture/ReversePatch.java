package io.spooky.surreal.capture;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rebuilds a record's before image from a change feed entry written with {@code INCLUDE ORIGINAL}:
 * SurrealDB stores the record after the change ({@code current}) and a JSON patch ({@code update})
 * that turns it back into the record before. The patch uses RFC 6902 {@code add}, {@code remove}
 * and {@code replace}, plus SurrealDB's {@code change}, whose value is a diff-match-patch text
 * patch for a string (coordinates in Unicode code points, hunks relative to the text with the
 * previous hunks applied).
 *
 * <p>Application is exact: every context and deletion line must match, otherwise {@link
 * PatchException} is thrown rather than a wrong before image returned.
 */
final class ReversePatch {
  private static final Pattern HUNK =
      Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@$");

  /** The patch does not apply to the value it was given. */
  static final class PatchException extends RuntimeException {
    PatchException(String message) {
      super(message);
    }
  }

  private ReversePatch() {}

  static Value apply(Value current, ArrayValue ops) {
    Value doc = current;
    for (Value op : ops.items()) {
      if (!(op instanceof ObjectValue o)
          || !(o.get("op") instanceof StringValue kind)
          || !(o.get("path") instanceof StringValue path)) {
        throw new PatchException("not a patch operation: " + op);
      }
      List<String> tokens = pointer(path.value());
      doc =
          switch (kind.value()) {
            case "add" -> edit(doc, tokens, 0, Edit.ADD, o.get("value"));
            case "replace" -> edit(doc, tokens, 0, Edit.REPLACE, o.get("value"));
            case "remove" -> edit(doc, tokens, 0, Edit.REMOVE, Value.NONE);
            case "change" -> edit(doc, tokens, 0, Edit.CHANGE, o.get("value"));
            default -> throw new PatchException("unsupported patch operation " + kind.value());
          };
    }
    return doc;
  }

  private enum Edit {
    ADD,
    REPLACE,
    REMOVE,
    CHANGE
  }

  private static Value edit(Value node, List<String> path, int i, Edit edit, Value arg) {
    if (i == path.size()) {
      return switch (edit) {
        case ADD, REPLACE -> arg;
        case CHANGE -> {
          if (!(node instanceof StringValue s) || !(arg instanceof StringValue p)) {
            throw new PatchException("change applies a text patch to a string");
          }
          yield Value.of(applyText(s.value(), p.value()));
        }
        case REMOVE -> throw new PatchException("cannot remove the whole document");
      };
    }
    String token = path.get(i);
    boolean last = i == path.size() - 1;
    if (node instanceof ObjectValue o) {
      if (last && edit == Edit.REMOVE) {
        if (!o.fields().containsKey(token)) {
          throw new PatchException("remove of missing field " + token);
        }
        java.util.TreeMap<String, Value> copy = new java.util.TreeMap<>(o.fields());
        copy.remove(token);
        return new ObjectValue(copy);
      }
      Value child = o.fields().get(token);
      if (child == null && !(last && edit == Edit.ADD)) {
        throw new PatchException("missing field " + token);
      }
      Value updated = edit(child == null ? Value.NONE : child, path, i + 1, edit, arg);
      java.util.TreeMap<String, Value> copy = new java.util.TreeMap<>(o.fields());
      copy.put(token, updated);
      return new ObjectValue(copy);
    }
    if (node instanceof ArrayValue a) {
      List<Value> items = new ArrayList<>(a.items());
      int index = token.equals("-") ? items.size() : parseIndex(token);
      if (last && edit == Edit.ADD) {
        if (index > items.size()) {
          throw new PatchException("add beyond the end of an array at " + index);
        }
        items.add(index, arg);
        return new ArrayValue(items);
      }
      if (index >= items.size()) {
        throw new PatchException("index " + index + " beyond an array of " + items.size());
      }
      if (last && edit == Edit.REMOVE) {
        items.remove(index);
      } else {
        items.set(index, edit(items.get(index), path, i + 1, edit, arg));
      }
      return new ArrayValue(items);
    }
    throw new PatchException("path descends into a " + node.typeName());
  }

  private static int parseIndex(String token) {
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw new PatchException("bad array index '" + token + "'");
    }
  }

  /** RFC 6901 JSON pointer tokens. */
  static List<String> pointer(String path) {
    List<String> tokens = new ArrayList<>();
    if (path.isEmpty()) {
      return tokens;
    }
    if (path.charAt(0) != '/') {
      throw new PatchException("a JSON pointer starts with '/': " + path);
    }
    for (String t : path.substring(1).split("/", -1)) {
      tokens.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  /** Applies a diff-match-patch text patch exactly, in Unicode code points. */
  static String applyText(String text, String patch) {
    List<Integer> cps = new ArrayList<>(text.length());
    text.codePoints().forEach(cps::add);
    String[] lines = patch.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      String line = lines[i];
      if (line.isEmpty()) {
        i++;
        continue;
      }
      Matcher m = HUNK.matcher(line);
      if (!m.matches()) {
        throw new PatchException("bad hunk header '" + line + "'");
      }
      int start = Integer.parseInt(m.group(1));
      String len1 = m.group(2);
      int pos = len1 == null ? start - 1 : len1.equals("0") ? start : start - 1;
      i++;
      while (i < lines.length && !lines[i].startsWith("@@")) {
        String l = lines[i++];
        if (l.isEmpty()) {
          continue;
        }
        int[] body = decode(l.substring(1)).codePoints().toArray();
        switch (l.charAt(0)) {
          case ' ' -> {
            expect(cps, pos, body);
            pos += body.length;
          }
          case '-' -> {
            expect(cps, pos, body);
            for (int k = 0; k < body.length; k++) {
              cps.remove(pos);
            }
          }
          case '+' -> {
            for (int cp : body) {
              cps.add(pos++, cp);
            }
          }
          default -> throw new PatchException("bad patch line '" + l + "'");
        }
      }
    }
    StringBuilder sb = new StringBuilder(cps.size());
    cps.forEach(sb::appendCodePoint);
    return sb.toString();
  }

  private static void expect(List<Integer> cps, int pos, int[] body) {
    if (pos < 0 || pos + body.length > cps.size()) {
      throw new PatchException("text patch runs past the end of the string");
    }
    for (int k = 0; k < body.length; k++) {
      if (cps.get(pos + k) != body[k]) {
        throw new PatchException("text patch does not match the string at " + (pos + k));
      }
    }
  }

  /** Percent-decoding as diff-match-patch writes it: {@code %XX} are UTF-8 bytes; '+' is '+'. */
  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
