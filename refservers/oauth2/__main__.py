"""python -m refservers.oauth2 --config FILE --cert PEM --key KEY --port-file FILE

Serves the token endpoint over HTTPS and the same application over HTTP on
loopback (dovecot's introspection), each on a free port; writes
{"https": PORT, "http": PORT} to the port file once both listen.
"""
import argparse
import json
import os
import ssl
import threading

# The HTTP listener is loopback-only, for dovecot's introspection requests;
# Authlib refuses plain HTTP unless told so.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

from werkzeug.serving import make_server  # noqa: E402

from refservers.oauth2.server import build  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as f:
        app = build(json.load(f))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    https = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as f:
        json.dump({"https": https.server_port, "http": http.server_port}, f)
    os.replace(temporary, args.port_file)
    https.serve_forever()


if __name__ == "__main__":
    main()
