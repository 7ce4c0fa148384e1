<?php
// What a php-fpm backend learns of the client's address (t/gate/mask.t).
header('Content-Type: text/plain');
echo 'REMOTE_ADDR=', $_SERVER['REMOTE_ADDR'] ?? '', "\n";
echo 'X_FORWARDED_FOR=', $_SERVER['HTTP_X_FORWARDED_FOR'] ?? '', "\n";
