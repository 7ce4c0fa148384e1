# Mattermost behind the module as the README configures it (ConsentPreset
# mattermost, ConsentUnknownCookies strip): single sign-on keeps working,
# its OAuth state cookie passes both ways, and an unknown cookie does not.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use CG;

for my $service (qw(gitlab google office365 openid)) {
    my $res = get_from('mattermost', "/oauth/$service/login");
    is($res->code, 302, "$service: login redirects to the provider");
    my ($state) = ($res->header('Location') // '') =~ /state=(\w+)/;
    my ($cookie) = grep { /^MMOAUTH=/ } set_cookie_lines($res);
    ok(defined $cookie && $cookie =~ /^MMOAUTH=\Q$state\E;/,
       "$service: the OAuth state cookie passes under strip");

    $res = get_from('mattermost', "/signup/$service/complete?state=$state",
                    Cookie => "MMOAUTH=$state; rl_user_id=RudderEncrypt:x");
    is($res->code, 200, "$service: the callback reads its state cookie")
        or diag($res->content);
    like($res->content, qr/signed in/, "$service: signed in");
    ok(has_cookie($res, 'MMAUTHTOKEN'), "$service: the session is set");
}

# an unknown cookie is stripped both ways under strip
my $res = get_from('mattermost', '/echo', Cookie => 'MMAUTHTOKEN=t; rl_user_id=x');
like($res->content, qr/^cookie: MMAUTHTOKEN=t$/m,
     'strip: an unknown cookie does not reach Mattermost, its session does');

done_testing();
