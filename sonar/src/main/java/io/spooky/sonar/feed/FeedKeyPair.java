package io.spooky.sonar.feed;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * The public key of a feed together with its secret key: whoever holds this can append to the feed.
 * The secret is kept in the JDK's PKCS#8 encoding. Immutable and thread-safe.
 */
public final class FeedKeyPair {
  private final FeedKey key;
  private final PrivateKey secret;

  private FeedKeyPair(FeedKey key, PrivateKey secret) {
    this.key = key;
    this.secret = secret;
  }

  /** Generates a fresh Ed25519 key pair. */
  public static FeedKeyPair generate() {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new FeedKeyPair(FeedCrypto.rawPublicKey(kp.getPublic()), kp.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides no Ed25519", e);
    }
  }

  /** Restores a pair from the public key and {@link #secretPkcs8()}. */
  public static FeedKeyPair of(FeedKey key, byte[] secretPkcs8) {
    try {
      PrivateKey secret =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(secretPkcs8));
      FeedKeyPair pair = new FeedKeyPair(key, secret);
      byte[] probe = FeedCrypto.sign(secret, new byte[] {1, 2, 3});
      if (!FeedCrypto.verify(key, new byte[] {1, 2, 3}, probe)) {
        throw new IllegalArgumentException("secret key does not belong to feed " + key);
      }
      return pair;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 PKCS#8 secret key", e);
    }
  }

  public FeedKey key() {
    return key;
  }

  PrivateKey secret() {
    return secret;
  }

  /** The secret key in PKCS#8 encoding (a copy); store it as carefully as a password. */
  public byte[] secretPkcs8() {
    return Arrays.copyOf(secret.getEncoded(), secret.getEncoded().length);
  }

  @Override
  public String toString() {
    return "FeedKeyPair[" + key + "]";
  }
}
