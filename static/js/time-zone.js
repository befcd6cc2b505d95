/* A visitor's times are shown in their own zone. Their browser tells it once; a cookie keeps
   it for the server (worldcities/timezones.py). A zone the visitor chose on the time zone
   page is never replaced. A page that showed times on another clock is asked for once more.
   Logged-in people's zone is their profile's: the page then names no cookie. */
(function () {
  "use strict";

  var root = document.documentElement;
  var name = root.getAttribute("data-time-zone-cookie");
  if (!name) return;

  function hasCookie() {
    return document.cookie.split("; ").some(function (c) {
      return c.indexOf(name + "=") === 0;
    });
  }

  if (hasCookie()) return;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return;
  document.cookie =
    name + "=" + zone + "; path=/; max-age=31536000; samesite=lax" +
    (location.protocol === "https:" ? "; secure" : "");
  if (
    hasCookie() &&
    zone !== root.getAttribute("data-time-zone") &&
    document.querySelector("time, .meeting-times")
  ) {
    location.replace(location.href);
  }
})();
