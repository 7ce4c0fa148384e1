<?php
/* Mautic's front controller stands here; the routes are the fixture's. */
require __DIR__ . '/../../backend/mautic.php';
