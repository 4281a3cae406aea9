"""`mailtoticket.py web -c FILE [...]`: run the staff web server, or
manage its tokens.

    mailtoticket.py web -c FILE                          serve (blocking)
    mailtoticket.py web -c FILE --add-token NAME --role read|admin
    mailtoticket.py web -c FILE --remove-token NAME
    mailtoticket.py web -c FILE --list-tokens
    mailtoticket.py web -c FILE --openapi                print the OpenAPI document
    mailtoticket.py web -c FILE --missing DAYS           the missing-tickets check

FILE: an MDA settings file, or the service file (its `mailboxes` key).
Exit 0 done, 1 a mistake (named), 75 the server could not start.
"""
import argparse
import sys


def main(argv):
    parser = argparse.ArgumentParser(prog="mailtoticket.py web",
                                     description="The staff web server (docs/web.md).")
    parser.add_argument("-c", dest="config", metavar="FILE",
                        help="MDA settings file, or the service file")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--add-token", metavar="NAME", help="make a token (printed once)")
    what.add_argument("--remove-token", metavar="NAME")
    what.add_argument("--list-tokens", action="store_true")
    what.add_argument("--openapi", action="store_true",
                      help="print the OpenAPI document and exit")
    what.add_argument("--missing", type=int, metavar="DAYS",
                      help="the missing-tickets check over every queue (and, for a service "
                           "file, the processed folders)")
    parser.add_argument("--role", choices=("read", "admin"), default="read")
    args = parser.parse_args(argv)

    from gateway.errors import SettingsError
    from web import config as config_module
    from web.tokens import TokenError, TokenFile
    try:
        config = config_module.load(args.config)
    except SettingsError as e:
        print("mailtoticket web: %s" % e, file=sys.stderr)
        return 1
    tokens = TokenFile(config.tokens_file)
    try:
        if args.add_token:
            token = tokens.add(args.add_token, args.role)
            print("token for %s (%s), shown once; kept hashed in %s:\n%s"
                  % (args.add_token, args.role, config.tokens_file, token))
            return 0
        if args.remove_token:
            tokens.remove(args.remove_token)
            print("removed %s" % args.remove_token)
            return 0
        if args.list_tokens:
            for cred in tokens.credentials():
                print("%-24s %-6s created %s" % (cred.get("name"), cred.get("role"),
                                                 cred.get("created")))
            return 0
    except (TokenError, OSError) as e:
        print("mailtoticket web: %s" % e, file=sys.stderr)
        return 1
    if args.missing is not None:
        from web.missing import report
        return report(config.queues, args.missing, config=config)
    if args.openapi:
        import json
        from web.app import build_app
        print(json.dumps(build_app(config).openapi(), indent=2, sort_keys=True))
        return 0
    import logging
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from web.app import serve
    print("mailtoticket web: http://%s:%d/ (%d queue(s), tokens in %s)" % (
        config.host, config.port, len(config.queues), config.tokens_file), flush=True)
    from web.config import exposure_warning
    if exposure_warning(config):
        logging.getLogger("mailtoticket.web").warning("%s", exposure_warning(config))
    try:
        serve(config)
    except OSError as e:
        print("mailtoticket web: cannot listen on %s:%d: %s" % (config.host, config.port, e),
              file=sys.stderr)
        return 75
    return 0
