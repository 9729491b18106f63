/** The red banner while Redis is unreachable; it disappears when Redis answers again. */
export function RedisDownBanner() {
  return (
    <div className="banner banner-danger" role="alert">
      <p>
        <strong>Redis is unreachable.</strong> Guarded API calls and job submissions fail with 503 until it returns; the
        server reconnects by itself.
      </p>
    </div>
  );
}
