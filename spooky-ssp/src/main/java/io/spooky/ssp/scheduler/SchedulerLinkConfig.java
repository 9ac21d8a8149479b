package io.spooky.ssp.scheduler;

import io.spooky.service.ConfigException;
import io.spooky.service.ConfigSource;
import java.net.URI;
import java.util.Optional;

/**
 * Settings of scheduler mode, read from {@link ConfigSource}: {@code SCHEDULER_URL} (yml {@code
 * scheduler.url}), {@code SSP_ID} ({@code ssp.id}) and {@code SSP_ADVERTISE_URL} ({@code
 * ssp.advertise_url}). Scheduler mode is on exactly when {@code SCHEDULER_URL} is set; it then
 * needs {@code SSP_ID}.
 *
 * @param schedulerUrl the scheduler's base URL
 * @param sspId this SSP's id in the pool
 * @param advertiseUrl the base URL the scheduler calls; empty means {@code http://} plus the listen
 *     host ({@code 127.0.0.1} for a wildcard) and the port actually bound
 * @param secret the shared secret sent as {@code Authorization: Bearer}
 */
public record SchedulerLinkConfig(
    URI schedulerUrl, String sspId, Optional<URI> advertiseUrl, Optional<String> secret) {

  /** Empty when {@code SCHEDULER_URL} is not set (capture mode). */
  public static Optional<SchedulerLinkConfig> from(ConfigSource c, Optional<String> secret) {
    Optional<String> url = c.string("scheduler.url").filter(s -> !s.isBlank());
    if (url.isEmpty()) {
      return Optional.empty();
    }
    URI scheduler = absolute("scheduler.url", url.get());
    String id =
        c.string("ssp.id")
            .filter(s -> !s.isBlank())
            .orElseThrow(() -> new ConfigException("ssp.id", "required when SCHEDULER_URL is set"));
    Optional<URI> advertise =
        c.string("ssp.advertise_url")
            .filter(s -> !s.isBlank())
            .map(s -> absolute("ssp.advertise_url", s));
    return Optional.of(new SchedulerLinkConfig(scheduler, id, advertise, secret));
  }

  /**
   * The URL to advertise for a server listening on {@code listenAddr} and bound to {@code port}.
   */
  public URI advertised(String listenAddr, int port) {
    if (advertiseUrl.isPresent()) {
      return advertiseUrl.get();
    }
    int colon = listenAddr.lastIndexOf(':');
    String host = colon < 0 ? listenAddr : listenAddr.substring(0, colon);
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    return URI.create("http://" + host + ":" + port);
  }

  private static URI absolute(String key, String text) {
    try {
      URI u = URI.create(text.replaceAll("/+$", ""));
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        throw new ConfigException(key, "must be an absolute http(s) URL, got '" + text + "'");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "not a URL: '" + text + "'");
    }
  }
}
