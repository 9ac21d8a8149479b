package io.spooky.sonar.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * authenticated clients issue more codes with {@code POST /:ws/register}. Issued codes live as long
 * as the server process; the signing secret is per process, so tokens end with it. Thread-safe.
 */
final class Auth {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final byte[] secret = new byte[32];
  private final Set<String> codes = ConcurrentHashMap.newKeySet();
  private final SecureRandom random = new SecureRandom();
  private final Duration lifetime;
  private final Clock clock;

  Auth(String rootCode, Duration lifetime, Clock clock) {
    random.nextBytes(secret);
    codes.add(rootCode);
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** A fresh random access code, valid from now on. */
  String issueCode() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    String code = HexFormat.of().formatHex(b);
    codes.add(code);
    return code;
  }

  /** A token for {@code workspace}; {@link ApiException} 401 if the code is unknown. */
  String login(String workspace, String code) {
    if (code == null || !codes.contains(code)) {
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
