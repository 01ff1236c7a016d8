#pragma once
// Numeric replies used by sala (RFC 2812 names, modern.ircdocs.horse values).

#include <string_view>

namespace sala::irc::numeric {

inline constexpr std::string_view welcome = "001";
inline constexpr std::string_view yourhost = "002";
inline constexpr std::string_view created = "003";
inline constexpr std::string_view myinfo = "004";
inline constexpr std::string_view isupport = "005";
inline constexpr std::string_view statscommands = "212";
inline constexpr std::string_view endofstats = "219";
inline constexpr std::string_view umodeis = "221";
inline constexpr std::string_view statsuptime = "242";
inline constexpr std::string_view luserclient = "251";
inline constexpr std::string_view luserop = "252";
inline constexpr std::string_view luserunknown = "253";
inline constexpr std::string_view luserchannels = "254";
inline constexpr std::string_view luserme = "255";
inline constexpr std::string_view adminme = "256";
inline constexpr std::string_view adminloc1 = "257";
inline constexpr std::string_view adminloc2 = "258";
inline constexpr std::string_view adminemail = "259";
inline constexpr std::string_view localusers = "265";
inline constexpr std::string_view globalusers = "266";
inline constexpr std::string_view away = "301";
inline constexpr std::string_view userhost = "302";
inline constexpr std::string_view ison = "303";
inline constexpr std::string_view unaway = "305";
inline constexpr std::string_view nowaway = "306";
inline constexpr std::string_view whoisuser = "311";
inline constexpr std::string_view whoisserver = "312";
inline constexpr std::string_view whowasuser = "314";
inline constexpr std::string_view endofwho = "315";
inline constexpr std::string_view whoisidle = "317";
inline constexpr std::string_view endofwhois = "318";
inline constexpr std::string_view whoischannels = "319";
inline constexpr std::string_view list = "322";
inline constexpr std::string_view listend = "323";
inline constexpr std::string_view channelmodeis = "324";
inline constexpr std::string_view creationtime = "329";
inline constexpr std::string_view whoisbot = "335";
inline constexpr std::string_view whoiscertfp = "276";
inline constexpr std::string_view whoissecure = "671";
inline constexpr std::string_view notopic = "331";
inline constexpr std::string_view topic = "332";
inline constexpr std::string_view topicwhotime = "333";
inline constexpr std::string_view version = "351";
inline constexpr std::string_view whoreply = "352";
inline constexpr std::string_view whospcrpl = "354";
inline constexpr std::string_view namreply = "353";
inline constexpr std::string_view links = "364";
inline constexpr std::string_view endoflinks = "365";
inline constexpr std::string_view endofnames = "366";
inline constexpr std::string_view endofbanlist = "368";
inline constexpr std::string_view endofwhowas = "369";
inline constexpr std::string_view info = "371";
inline constexpr std::string_view motd = "372";
inline constexpr std::string_view endofinfo = "374";
inline constexpr std::string_view motdstart = "375";
inline constexpr std::string_view endofmotd = "376";
inline constexpr std::string_view time = "391";
inline constexpr std::string_view nosuchnick = "401";
inline constexpr std::string_view nosuchserver = "402";
inline constexpr std::string_view nosuchchannel = "403";
inline constexpr std::string_view wasnosuchnick = "406";
inline constexpr std::string_view cannotsendtochan = "404";
inline constexpr std::string_view norecipient = "411";
inline constexpr std::string_view notexttosend = "412";
inline constexpr std::string_view inputtoolong = "417";
inline constexpr std::string_view unknowncommand = "421";
inline constexpr std::string_view nomotd = "422";
inline constexpr std::string_view nonicknamegiven = "431";
inline constexpr std::string_view erroneusnickname = "432";
inline constexpr std::string_view nicknameinuse = "433";
inline constexpr std::string_view notonchannel = "442";
inline constexpr std::string_view notregistered = "451";
inline constexpr std::string_view needmoreparams = "461";
inline constexpr std::string_view alreadyregistered = "462";
inline constexpr std::string_view passwdmismatch = "464";
inline constexpr std::string_view unknownmode = "472";
inline constexpr std::string_view chanoprivsneeded = "482";
inline constexpr std::string_view umodeunknownflag = "501";
inline constexpr std::string_view usersdontmatch = "502";
inline constexpr std::string_view helpnotfound = "524";
inline constexpr std::string_view helpstart = "704";
inline constexpr std::string_view helptxt = "705";
inline constexpr std::string_view endofhelp = "706";
inline constexpr std::string_view mononline = "730";
inline constexpr std::string_view monoffline = "731";
inline constexpr std::string_view monlist = "732";
inline constexpr std::string_view endofmonlist = "733";
inline constexpr std::string_view monlistfull = "734";
inline constexpr std::string_view whoisaccount = "330";
// SASL (IRCv3 sasl-3.1/3.2)
inline constexpr std::string_view loggedin = "900";
inline constexpr std::string_view loggedout = "901";
inline constexpr std::string_view nicklocked = "902";
inline constexpr std::string_view saslsuccess = "903";
inline constexpr std::string_view saslfail = "904";
inline constexpr std::string_view sasltoolong = "905";
inline constexpr std::string_view saslaborted = "906";
inline constexpr std::string_view saslalready = "907";
inline constexpr std::string_view saslmechs = "908";

}  // namespace sala::irc::numeric
