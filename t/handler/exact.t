# Each endpoint answers only at its exact path under ConsentEndpoint, so
# a <Location /consentgate/status> protects the status page whatever the
# spelling: another spelling is either that page (and protected) or 404.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use CG;

is(get_from('gate', '/consentgate/status?format=json')->code, 200,
   'the status page at its path');
for my $path ('/consentgate/x/status', '/consentgate/x/status?format=json',
              '/consentgate/status/', '/consentgate/status/x',
              '/consentgate/forget/x', '/consentgate/a/b/pixel.gif',
              '/consentgate/nothing', '/consentgate/') {
    is(get_from('gate', $path)->code, 404, "$path: 404");
}
# decoded and merged spellings are the page itself, which its <Location>
# then protects (Location sections see the same decoded, merged path)
is(get_from('gate', '/consentgate/%73tatus?format=json')->code, 200,
   '%73tatus is the status page');
is(get_from('gate', '/consentgate//status?format=json')->code, 200,
   '//status is the status page');
is(get_from('gate', '/consentgate/./status?format=json')->code, 200,
   './status is the status page');

# the README's <Location /consentgate/status> Require ...: no spelling
# reaches the page past it
for my $path ('/consentgate/status', '/consentgate/status?format=json',
              '/consentgate/x/status', '/consentgate//status',
              '/consentgate/%73tatus', '/consentgate/./status',
              '/consentgate/status/', '/consentgate/x/../status') {
    my $code = get_from('signed', $path)->code;
    ok($code == 403 || $code == 404, "protected: $path answers $code");
}

done_testing();
