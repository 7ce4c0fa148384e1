#!/bin/sh
# What a backend learns of the client's address: the CGI variables and the
# X-Forwarded-For that mod_proxy_http sends (t/gate/mask.t).
printf 'Content-Type: text/plain\r\n\r\n'
printf 'REMOTE_ADDR=%s\n' "$REMOTE_ADDR"
printf 'REMOTE_HOST=%s\n' "$REMOTE_HOST"
printf 'X_FORWARDED_FOR=%s\n' "$HTTP_X_FORWARDED_FOR"
printf 'X_REAL_IP=%s\n' "$HTTP_X_REAL_IP"
