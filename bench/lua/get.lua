-- GET one page over and over; wrk counts any status other than 2xx/3xx as
-- an error.
done = function(summary, latency, requests)
  bench_summary(summary, latency)
end
