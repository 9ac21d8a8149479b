package io.spooky.sonar.feed;

import io.spooky.sonar.store.Keys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * The hash chain and signatures of feeds (docs/PROTOCOL.md section 6).
 *
 * <pre>
 * chain(-1) = SHA-256("sonar-feed-v1" || key)
 * chain(i)  = SHA-256(chain(i-1) || u64be(i) || SHA-256(data(i)))
 * sig(i)    = Ed25519(secret, "sonar-block-v1" || key || u64be(i) || chain(i))
 * </pre>
 *
 * A valid signature on block {@code i} therefore vouches for the whole prefix {@code 0..i}; a
 * writer signs only the last block of each append. Stateless and thread-safe.
 */
final class FeedCrypto {
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };
  private static final byte[] CHAIN_DOMAIN = "sonar-feed-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SIG_DOMAIN = "sonar-block-v1".getBytes(StandardCharsets.US_ASCII);

  private FeedCrypto() {}

  static FeedKey rawPublicKey(PublicKey pk) {
    byte[] enc = pk.getEncoded();
    if (enc.length != X509_PREFIX.length + FeedKey.LENGTH
        || !Arrays.equals(enc, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      throw new IllegalStateException("unexpected Ed25519 public key encoding");
    }
    return FeedKey.of(Arrays.copyOfRange(enc, X509_PREFIX.length, enc.length));
  }

  static PublicKey publicKey(FeedKey key) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519")
        .generatePublic(new X509EncodedKeySpec(Keys.concat(X509_PREFIX, key.rawUnsafe())));
  }

  static byte[] genesis(FeedKey key) {
    MessageDigest md = sha256();
    md.update(CHAIN_DOMAIN);
    md.update(key.rawUnsafe());
    return md.digest();
  }

  static byte[] chain(byte[] previous, long seq, byte[] data) {
    MessageDigest md = sha256();
    byte[] dataHash = md.digest(data);
    md.update(previous);
    md.update(Keys.u64(seq));
    md.update(dataHash);
    return md.digest();
  }

  static byte[] signingInput(FeedKey key, long seq, byte[] chain) {
    return Keys.concat(SIG_DOMAIN, key.rawUnsafe(), Keys.u64(seq), chain);
  }

  static byte[] sign(PrivateKey secret, byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(secret);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  static boolean verify(FeedKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(publicKey(key));
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      // Keys that are not points on the curve and malformed signatures are simply invalid.
      return false;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides no SHA-256", e);
    }
  }
}
