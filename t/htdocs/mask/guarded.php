<?php
// echo.php behind "Require ip 127.0.0.1", reached by an internal redirect
require __DIR__ . '/echo.php';
