-- wrk script: POST the envelope file named by ENVELOPE to the sidecar.
local f = assert(io.open(os.getenv("ENVELOPE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/x-sentry-envelope"
