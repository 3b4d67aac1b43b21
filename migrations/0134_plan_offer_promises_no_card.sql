-- The plan offer's default email said "accept it by saving a card" even where online payments are off and the page asks
-- for none: businesses still on that wording get the one that is true either way (the page says what accepting takes).
update message_templates
   set body = replace(body, 'and accept it by saving a card: {{card_link}}', 'and accept it there: {{card_link}}')
 where kind = 'plan_offer' and body like '%and accept it by saving a card: {{card_link}}%';
