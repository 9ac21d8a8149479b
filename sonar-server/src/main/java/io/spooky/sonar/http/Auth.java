package io.spooky.sonar.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Access codes and bearer tokens of the HTTP API. A client exchanges an access code for a JWT
 * (HS256, {@code {sub: workspace, iat, exp}}) at {@code POST /:ws/login}; every other route needs
 * {@code Authorization: Bearer <token>} for the same workspace. The root code is given at start;
 * authenticated clients issue more codes with {@code POST /:ws/register}. Thread-safe.
 *
 * <p>With a state file, the signing secret and the issued codes survive a restart, so tokens and
 * codes handed out stay valid until they expire. The file holds the secret and the SHA-256 of each
 * issued code (never the code itself), is written atomically (temporary file, then rename) before a
 * code is returned, and is readable by its owner only where the file system supports it. The root
 * code is not stored: it is given at every start.
 */
final class Auth {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final byte[] secret = new byte[32];
  private final String rootCode;
  private final Set<String> issuedHashes = ConcurrentHashMap.newKeySet();
  private final SecureRandom random = new SecureRandom();
  private final Duration lifetime;
  private final Clock clock;
  private final Path stateFile;

  /** An authority whose secret and issued codes last as long as this object. */
  Auth(String rootCode, Duration lifetime, Clock clock) {
    this(rootCode, lifetime, clock, null);
  }

  /**
   * An authority that keeps its secret and issued codes in {@code stateFile} (created on first use;
   * null keeps them in memory only). A state file that cannot be read is an error, never silently
   * replaced, since replacing it would invalidate every token handed out.
   */
  Auth(String rootCode, Duration lifetime, Clock clock, Path stateFile) {
    this.rootCode = rootCode;
    this.lifetime = lifetime;
    this.clock = clock;
    this.stateFile = stateFile;
    if (stateFile != null && Files.exists(stateFile)) {
      load(stateFile);
    } else {
      random.nextBytes(secret);
      save();
    }
  }

  /** A fresh random access code, valid from now on (and durable before it is returned). */
  synchronized String issueCode() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    String code = HexFormat.of().formatHex(b);
    issuedHashes.add(hash(code));
    save();
    return code;
  }

  private boolean knows(String code) {
    return code != null && (code.equals(rootCode) || issuedHashes.contains(hash(code)));
  }

  private static String hash(String code) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  private void load(Path file) {
    try {
      JsonNode state = JSON.readTree(file.toFile());
      byte[] stored = B64D.decode(state.path("secret").asText(""));
      if (stored.length != secret.length) {
        throw new IllegalStateException("auth state " + file + " has no valid secret");
      }
      System.arraycopy(stored, 0, secret, 0, secret.length);
      state.path("codes").forEach(h -> issuedHashes.add(h.asText()));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot read auth state " + file + ": " + e.getMessage(), e);
    }
  }

  private void save() {
    if (stateFile == null) {
      return;
    }
    ObjectNode state = JSON.createObjectNode();
    state.put("secret", B64.encodeToString(secret));
    ArrayNode list = state.putArray("codes");
    issuedHashes.stream().sorted().forEach(list::add);
    try {
      Files.createDirectories(stateFile.toAbsolutePath().getParent());
      Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(state));
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the directory's own permissions are what protects the file.
      }
      try {
        Files.move(
            tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write auth state " + stateFile, e);
    }
  }

  /** A token for {@code workspace}; {@link ApiException} 401 if the code is unknown. */
  String login(String workspace, String code) {
    if (!knows(code)) {
      throw new ApiException(401, "invalid access code");
    }
    long now = clock.millis() / 1000;
    ObjectNode claims = JSON.createObjectNode();
    claims.put("sub", workspace).put("iat", now).put("exp", now + lifetime.toSeconds());
    String payload;
    try {
      payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String signed = HEADER + "." + payload;
    return signed + "." + B64.encodeToString(sign(signed));
  }

  /**
   * Checks an {@code Authorization} header value for {@code workspace}; throws {@link ApiException}
   * 401 unless it carries a well-formed, correctly signed, unexpired token for that workspace.
   */
  void verify(String authorization, String workspace) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      throw new ApiException(401, "missing bearer token");
    }
    String token = authorization.substring("Bearer ".length()).trim();
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(HEADER)) {
      throw new ApiException(401, "malformed token");
    }
    byte[] given;
    JsonNode claims;
    try {
      given = B64D.decode(parts[2]);
      claims = JSON.readTree(B64D.decode(parts[1]));
    } catch (IllegalArgumentException | IOException e) {
      throw new ApiException(401, "malformed token");
    }
    if (!MessageDigest.isEqual(given, sign(parts[0] + "." + parts[1]))) {
      throw new ApiException(401, "invalid token signature");
    }
    if (claims == null || claims.path("exp").asLong(0) <= clock.millis() / 1000) {
      throw new ApiException(401, "token expired");
    }
    if (!workspace.equals(claims.path("sub").asText())) {
      throw new ApiException(401, "token is for another workspace");
    }
  }

  private byte[] sign(String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
