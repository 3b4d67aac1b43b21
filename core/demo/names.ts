/** First names common in north Alabama, for demo customers. */
export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth', 'David', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Nancy', 'Daniel', 'Lisa',
  'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily',
  'Andrew', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah',
  'Timothy', 'Stephanie', 'Ronald', 'Rebecca', 'Jason', 'Sharon', 'Edward', 'Laura', 'Jeffrey', 'Cynthia', 'Ryan', 'Kathleen',
  'Jacob', 'Amy', 'Gary', 'Shirley', 'Nicholas', 'Angela', 'Eric', 'Helen', 'Jonathan', 'Anna', 'Larry', 'Brenda', 'Justin',
  'Pamela', 'Scott', 'Nicole', 'Brandon', 'Ruth', 'Wesley', 'Dorothy', 'Clayton', 'Peggy', 'Dale', 'Frances', 'Tyler', 'Gloria',
]

/** Family names common in north Alabama, for demo customers. */
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Davis', 'Miller', 'Wilson', 'Moore', 'Taylor', 'Anderson', 'Thomas',
  'Jackson', 'White', 'Harris', 'Martin', 'Thompson', 'Robinson', 'Clark', 'Lewis', 'Lee', 'Walker', 'Hall', 'Allen', 'Young',
  'King', 'Wright', 'Hill', 'Scott', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter', 'Mitchell', 'Roberts', 'Turner', 'Phillips',
  'Campbell', 'Parker', 'Evans', 'Edwards', 'Collins', 'Stewart', 'Morris', 'Rogers', 'Reed', 'Cook', 'Morgan', 'Bell', 'Murphy',
  'Bailey', 'Cooper', 'Richardson', 'Cox', 'Howard', 'Ward', 'Peterson', 'Gray', 'Watson', 'Brooks', 'Sanders', 'Price',
  'Bennett', 'Wood', 'Barnes', 'Henderson', 'Coleman', 'Jenkins', 'Perry', 'Powell', 'Long', 'Patterson', 'Hughes', 'Butler',
  'Simmons', 'Foster', 'Bryant', 'Russell', 'Griffin', 'Hayes', 'Crenshaw', 'McCutcheon', 'Vaughn', 'Tidwell', 'Hollis',
]

/** Pet names for access notes and attributes. */
export const PET_NAMES = ['Biscuit', 'Daisy', 'Bear', 'Duke', 'Rosie', 'Scout', 'Maggie', 'Buddy', 'Pepper', 'Tucker', 'Lucy', 'Beau']

/** The demo business and its owner, as a first start with CRM_DEMO=1 names them. */
export const DEMO_BUSINESS = { name: 'Rocket City Window Cleaning', ownerName: 'Dana Whitfield' }

/** The demo's technicians: name and sign-in email. */
export const DEMO_TECHNICIANS: ReadonlyArray<readonly [string, string]> = [['Caleb Hutchins', 'caleb@demo-windows.test'], ['Marcus Reyes', 'marcus@demo-windows.test']]
