#!/bin/sh
# The Mautic-like backend as a CGI program: php-cgi runs t/backend/mautic.php,
# so its Set-Cookie lines reach httpd the CGI way (r->err_headers_out).
here=$(dirname "$0")
SCRIPT_FILENAME=$(cd "$here/../backend" && pwd)/mautic.php
# php-cgi opens PATH_TRANSLATED when httpd sets it (it does, with PATH_INFO)
PATH_TRANSLATED=$SCRIPT_FILENAME
export SCRIPT_FILENAME PATH_TRANSLATED
exec php-cgi -d cgi.force_redirect=0 -d cgi.fix_pathinfo=0 \
    -d display_errors=stderr -d expose_php=0
